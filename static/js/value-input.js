// The value field of a reading (indicators/forms.py ValueInput): previews the number as the
// server will read it ("= 16.8 h/día"), by the same rules as indicators/validation.parse_value,
// and follows the indicator chosen on the same form. Only a preview: the server reads the text
// again, and the form works without this file.
(function () {
  "use strict";
  var TEXT = /^([+\-\u2212]?)([0-9.,_]*)(?:[eE]([+-]?[0-9]+))?$/;
  var FIRST_GROUP = /^[1-9][0-9]{0,2}$/;
  var GROUPED = /^[0-9]{1,3}([.,_])[0-9]{3}(\1[0-9]{3})*$/;

  function plain(sign, whole, fraction) {
    // As validation.value_text writes it: no grouping, a fourth decimal where three would be ambiguous.
    whole = whole.replace(/^0+(?=[0-9])/, "") || "0";
    fraction = fraction.replace(/0+$/, "");
    if (fraction.length === 3 && FIRST_GROUP.test(whole)) {
      fraction += "0";
    }
    return sign + whole + (fraction ? "." + fraction : "");
  }

  // {sign, whole, fraction}, or {error: "invalid"} or {error: "ambiguous", thousands, decimal}.
  function parse(raw, decimals) {
    var text = raw.trim().replace(/^([+\-\u2212])\s+/, "$1").replace(/\s+/g, "_");
    var shape = TEXT.exec(text);
    if (!shape) {
      return { error: "invalid" };
    }
    var sign = shape[1] === "-" || shape[1] === "\u2212" ? "-" : "";
    var mantissa = shape[2];
    var marks = mantissa.replace(/[^.,]/g, "");
    var mark = null;
    if (marks.indexOf(".") >= 0 && marks.indexOf(",") >= 0) {
      mark = marks.charAt(marks.length - 1);
    } else if (marks.length === 1) {
      mark = marks;
      var parts = mantissa.split(mark);
      if (/^[0-9]{3}$/.test(parts[1]) && FIRST_GROUP.test(parts[0])) {
        if (decimals === 0) {
          mark = null;
        } else {
          return {
            error: "ambiguous",
            thousands: plain(sign, parts[0] + parts[1], ""),
            decimal: plain(sign, parts[0], parts[1])
          };
        }
      }
    }
    var whole = mantissa;
    var fraction = "";
    if (mark) {
      var at = mantissa.lastIndexOf(mark);
      whole = mantissa.slice(0, at);
      fraction = mantissa.slice(at + 1);
    }
    if (whole && !/^[0-9]+$/.test(whole)) {
      if (!GROUPED.test(whole) || (mark && whole.indexOf(mark) >= 0)) {
        return { error: "invalid" };
      }
      whole = whole.replace(/[^0-9]/g, "");
    }
    if (!(whole || fraction) || !/^[0-9]*$/.test(whole + fraction)) {
      return { error: "invalid" };
    }
    var exponent = shape[3] ? parseInt(shape[3], 10) : 0;
    if (Math.abs(exponent) > 30) {
      return { error: "invalid" };
    }
    if (exponent) {
      var digits = whole + fraction;
      var point = whole.length + exponent;
      while (digits.length < point) { digits += "0"; }
      while (point < 0) { digits = "0" + digits; point += 1; }
      whole = digits.slice(0, point);
      fraction = digits.slice(point);
    }
    whole = whole.replace(/^0+(?=[0-9])/, "") || "0";
    return { sign: sign, whole: whole, fraction: fraction.replace(/0+$/, "") };
  }

  // es-PE: 1,095.5 — commas group thousands, a point before the unit's decimals.
  function formatted(number, decimals) {
    var fraction = number.fraction;
    while (fraction.length < decimals) { fraction += "0"; }
    var whole = number.whole.replace(/\B(?=([0-9]{3})+(?![0-9]))/g, ",");
    var zero = /^[0,]*$/.test(whole) && /^0*$/.test(fraction);
    return (zero ? "" : number.sign) + whole + (fraction ? "." + fraction : "");
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function setUp(input) {
    var messages = JSON.parse(input.getAttribute("data-messages") || "{}");
    var units = JSON.parse(input.getAttribute("data-units") || "null");
    var unit = JSON.parse(input.getAttribute("data-unit") || "null");
    var preview = input.parentNode.querySelector(".value-preview");
    var symbol = input.parentNode.querySelector(".value-unit");
    var rule = document.getElementById(input.getAttribute("aria-describedby"));
    var chooser = input.form && input.form.querySelector("select[name='indicator']");

    function show(text, ok) {
      preview.textContent = text;
      preview.className = "value-preview " + (ok ? "is-ok" : "is-error");
    }

    function update() {
      if (!preview) {
        return;
      }
      var text = input.value;
      if (!text.trim()) {
        show("", true);
        return;
      }
      var decimals = unit ? unit.decimals : null;
      var number = parse(text, decimals);
      if (number.error === "ambiguous") {
        show("⚠ " + fill(messages.ambiguous, number), false);
        return;
      }
      if (number.error) {
        show("⚠ " + messages.invalid, false);
        return;
      }
      if (!unit) {
        show("= " + formatted(number, 0), true);
        return;
      }
      if (number.fraction.length > unit.decimals) {
        show("⚠ " + messages.places + " (" + unit.rule + ")", false);
        return;
      }
      var amount = parseFloat(number.sign + number.whole + "." + (number.fraction || "0"));
      if ((unit.min !== null && amount < parseFloat(unit.min)) || (unit.max !== null && amount > parseFloat(unit.max))) {
        show("⚠ " + messages.outside + " (" + unit.rule + ")", false);
        return;
      }
      show("= " + formatted(number, unit.decimals) + (unit.symbol ? " " + unit.symbol : ""), true);
    }

    function follow() {
      unit = units && chooser ? units[chooser.value] || null : unit;
      if (symbol) {
        symbol.textContent = unit ? unit.symbol : "";
      }
      if (rule && unit) {
        rule.querySelector(".value-rule-unit").textContent = unit.rule;
        var hint = rule.querySelector(".value-rule-hint");
        if (hint && unit.hint) {
          hint.textContent = unit.hint;
        }
      }
      update();
    }

    input.addEventListener("input", update);
    if (units && chooser) {
      chooser.addEventListener("change", follow);
      follow();
    } else {
      update();
    }
  }

  function start() {
    document.querySelectorAll("input.value-input").forEach(setUp);
  }

  // The admin loads form media in the page's head, before the field exists.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
