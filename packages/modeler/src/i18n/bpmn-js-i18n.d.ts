// bpmn-js-i18n ships its tables as JavaScript without type declarations.
declare module 'bpmn-js-i18n/translations/zn.js' {
  const translations: Record<string, string>;
  export default translations;
}
