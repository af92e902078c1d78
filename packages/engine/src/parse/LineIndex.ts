/** A 1-based line and column; columns count UTF-16 code units, as editors do. */
export interface LineColumn {
  line: number;
  column: number;
}

/**
 * Turns character offsets of a text into 1-based line/column pairs and back.
 * Lines end at `\r\n`, `\r` or `\n`, the same rule as the XML parser under
 * bpmn-moddle (saxen), so positions it reports and positions computed here
 * agree. The index of line starts is built on first use, in one pass.
 * Pure: reads the text, never changes it.
 */
export class LineIndex {
  readonly #text: string;
  #starts: number[] | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  /** Line and column of the character at `offset` (clamped into the text). */
  position(offset: number): LineColumn {
    const starts = this.#lineStarts();
    const at = Math.max(0, Math.min(offset, this.#text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (starts[mid] <= at) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: at - starts[low] + 1 };
  }

  /** Offset of a 0-based line and column, as saxen reports them; `undefined` past the end. */
  offsetOfZeroBased(line: number, column: number): number | undefined {
    const starts = this.#lineStarts();
    if (line < 0 || line >= starts.length || column < 0) return undefined;
    const offset = starts[line] + column;
    return offset <= this.#text.length ? offset : undefined;
  }

  #lineStarts(): number[] {
    if (this.#starts) return this.#starts;
    const text = this.#text;
    const starts = [0];
    if (text.indexOf('\r') === -1) {
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x0a) starts.push(i + 1);
        else if (c === 0x0d) {
          if (text.charCodeAt(i + 1) === 0x0a) i++;
          starts.push(i + 1);
        }
      }
    }
    this.#starts = starts;
    return starts;
  }
}
