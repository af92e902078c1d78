export function translateJuel(text: string): string | null { return text ? null : null; }
