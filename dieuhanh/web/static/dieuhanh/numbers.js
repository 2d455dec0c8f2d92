// Numbers in charts and scripts, in the page's language: the browser twin of dieuhanh/core/common/numerals.py
// (vi: 1.234,5 and 45,5 %; en: 1,234.5 and 45.5 %). Loaded by web/base.html before any chart script.
//   dieuhanhNumbers.number(v, decimals, dropZeros)   decimals omitted: at most 2 places, trailing zeros dropped
//   dieuhanhNumbers.percent(v, decimals, dropZeros)  a value held in percent
//   dieuhanhNumbers.rate(v, decimals, dropZeros)     a rate 0–1
// No value (null, "", NaN) is "—". Values may come as text ("46.00", how decimals reach the page's JSON).
(function () {
  var lang = (document.documentElement.lang || "vi").toLowerCase();
  var locale = lang.indexOf("en") === 0 ? "en-GB" : "vi-VN";
  var formats = {};
  function formatter(decimals, dropZeros) {
    var key = decimals + ":" + dropZeros;
    if (!formats[key]) {
      formats[key] = new Intl.NumberFormat(locale, {
        minimumFractionDigits: dropZeros ? 0 : decimals, maximumFractionDigits: decimals, useGrouping: true
      });
    }
    return formats[key];
  }
  function number(v, decimals, dropZeros) {
    if (v === null || v === undefined || v === "") return "—";
    var n = Number(v);
    if (!isFinite(n)) return "—";
    if (decimals === undefined || decimals === null) { decimals = 2; dropZeros = true; }
    var text = formatter(decimals, !!dropZeros).format(n);
    return /^[-−]0([.,]0*)?$/.test(text) ? text.slice(1) : text;  // no "-0"
  }
  function percent(v, decimals, dropZeros) {
    var text = number(v, decimals, dropZeros);
    return text === "—" ? text : text + " %";
  }
  function rate(v, decimals, dropZeros) {
    if (v === null || v === undefined || v === "" || !isFinite(Number(v))) return "—";
    return percent(Number(v) * 100, decimals, dropZeros);
  }
  window.dieuhanhNumbers = { locale: locale, number: number, percent: percent, rate: rate };
})();
