/* Findings link to the row or inline that fixes them: give each form row an id and
   flash the target when a finding or an error is followed. The stock admin names its
   rows .form-row.field-NAME; the admin theme puts field-NAME on each .field-line. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".form-row, .field-line").forEach(function (row) {
    row.classList.forEach(function (cls) {
      if (cls.indexOf("field-") === 0 && !row.id) {
        var name = cls.slice("field-".length);
        if (!document.getElementById("row-" + name)) {
          row.id = "row-" + name;
        }
      }
    });
  });
  document.querySelectorAll(".ropa-finding-link, .ropa-error-summary a").forEach(function (link) {
    link.addEventListener("click", function () {
      var target = document.querySelector(link.getAttribute("href"));
      if (!target) {
        return;
      }
      target.classList.add("ropa-flash");
      window.setTimeout(function () { target.classList.remove("ropa-flash"); }, 2000);
    });
  });
});
