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
  // The text screen readers hear for an ECharts option (ECharts' own is English, with "36.36"): every series with
  // its values written in the page's language, each named by its category. aria(option) returns the option.
  function aria(option, format) {
    var vi = locale === "vi-VN";
    format = format || number;
    function categoriesOf(axis) { axis = [].concat(axis || [])[0]; return axis && axis.type === "category" ? axis.data || [] : null; }
    var xs = categoriesOf(option.xAxis), ys = categoriesOf(option.yAxis);
    var categories = xs || ys || [];
    function shown(v) {
      if (v && typeof v === "object" && !Array.isArray(v)) v = v.value;
      if (Array.isArray(v)) return v.map(function (x) { return typeof x === "number" ? format(x) : String(x); }).join(" – ");
      return format(v);
    }
    var parts = [];
    [].concat(option.series || []).forEach(function (s, i) {
      var items = [];
      (s.data || []).forEach(function (v, j) {
        if (v === null || v === undefined || v === "" || (typeof v === "number" && !isFinite(v))) return;
        if (xs && ys && Array.isArray(v) && v.length === 3) {  // a heatmap cell: [column, row, value]
          items.push(xs[v[0]] + " × " + ys[v[1]] + ": " + shown(v[2]));
          return;
        }
        items.push((categories[j] !== undefined ? categories[j] + ": " : "") + shown(v));
      });
      if (items.length > 60) items = items.slice(0, 60).concat("…");  // a heatmap's hundreds of cells: the table says the rest
      var name = s.name || (vi ? "Chuỗi " : "Series ") + (i + 1);
      parts.push(name + " — " + (items.length ? items.join("; ") : (vi ? "không có số liệu" : "no data")) + ".");
    });
    option.aria = { enabled: true, label: { description: (vi ? "Biểu đồ. " : "Chart. ") + parts.join(" ") } };
    return option;
  }
  window.dieuhanhNumbers = { locale: locale, number: number, percent: percent, rate: rate, aria: aria };
})();
