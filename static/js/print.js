// The "print or save as PDF" button of the yearly report.
document.querySelectorAll(".js-print").forEach(function (button) {
  "use strict";
  button.addEventListener("click", function () { window.print(); });
});
