/* The activity record in the admin:
   - findings and errors link to the field that fixes them: the input is focused (inline
     rows included) and flashed;
   - a lawful basis shows only the fields its kind of basis needs (each option of the
     basis list names them in data-fields); a field that holds something stays shown;
   - "Limited to purposes" offers the purposes as they are typed, before the first save
     (a new purpose is sent as "new-<its form index>", mapped on save by the server);
   - the findings panel is read again after a related record is saved in a popup. */
"use strict";
(function () {
  var CONDITIONAL = ["legitimate_interest", "lia_link", "consent_record_link",
    "consent_description", "citation", "recognised_interest"];

  function fieldNames(el) {
    var names = [];
    el.classList.forEach(function (cls) {
      if (cls.indexOf("field-") === 0) { names.push(cls.slice("field-".length)); }
    });
    return names;
  }

  function nameRows() {
    document.querySelectorAll(".form-row, .field-line").forEach(function (row) {
      fieldNames(row).forEach(function (name) {
        if (!row.id && !document.getElementById("row-" + name)) { row.id = "row-" + name; }
      });
    });
  }

  /* --- focus the field a link points at ---------------------------------------------- */
  function focusTarget(target) {
    var input = target;
    if (!/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
      input = target.querySelector("input:not([type=hidden]), select, textarea");
    }
    var row = target.closest(".field-line, .form-row, .inline-related, fieldset, .fieldBox") || target;
    // A collapsed section or hidden tab holding the field is opened first.
    var details = target.closest("details");
    if (details) { details.open = true; }
    document.dispatchEvent(new CustomEvent("ropa:reveal", {detail: {target: target}}));
    row.scrollIntoView({block: "center"});
    if (input) {
      var select2 = input.classList.contains("admin-autocomplete")
        ? input.parentElement.querySelector(".select2-selection") : null;
      (select2 || input).focus({preventScroll: true});
    }
    row.classList.add("ropa-flash");
    window.setTimeout(function () { row.classList.remove("ropa-flash"); }, 2000);
  }

  function followLinks(root) {
    root.querySelectorAll("a.ropa-finding-link:not([data-popup]), .ropa-error-summary a")
      .forEach(function (link) {
        link.addEventListener("click", function (event) {
          var target = document.querySelector(link.getAttribute("href"));
          if (!target) { return; }
          event.preventDefault();
          history.replaceState(null, "", link.getAttribute("href"));
          focusTarget(target);
        });
      });
  }

  /* --- lawful basis: only the fields of the basis chosen ---------------------------- */
  function holdsValue(box) {
    return Array.prototype.some.call(box.querySelectorAll("input, textarea, select"), function (el) {
      if (el.type === "checkbox" || el.type === "radio") { return el.checked; }
      return el.type !== "hidden" && el.value.trim() !== "";
    });
  }

  function showBasisFields(select) {
    var form = select.closest(".inline-related, .form-group");
    if (!form) { return; }
    var option = select.options[select.selectedIndex];
    var wanted = (option && option.dataset.fields ? option.dataset.fields : "").split(" ");
    CONDITIONAL.forEach(function (name) {
      form.querySelectorAll(".field-" + name).forEach(function (box) {
        var show = wanted.indexOf(name) !== -1 || holdsValue(box);
        box.hidden = !show;
        box.classList.toggle("ropa-not-for-basis", !show);
      });
    });
    // A line whose every field is hidden is hidden too (stock admin: .form-row holding
    // .fieldBox; the theme: .field-row holding .field-line).
    form.querySelectorAll(".form-row, .field-row").forEach(function (row) {
      var boxes = row.querySelectorAll(".fieldBox, .field-line");
      if (!boxes.length) { return; }
      var conditional = Array.prototype.every.call(boxes, function (box) {
        return fieldNames(box).some(function (n) { return CONDITIONAL.indexOf(n) !== -1; });
      });
      row.hidden = conditional && Array.prototype.every.call(boxes, function (b) { return b.hidden; });
    });
  }

  function basisSelects() {
    return document.querySelectorAll("#lawful_bases-group select[name$='-basis']");
  }

  /* --- purposes usable as scopes before they are saved ------------------------------- */
  function typedPurposes() {
    var purposes = [];
    document.querySelectorAll("#purposes-group [name^='purposes-'][name$='-description']").forEach(function (description) {
      var match = /^purposes-(\d+)-description$/.exec(description.name);
      if (!match) { return; }  // the empty form's template
      var index = match[1];
      var id = document.querySelector("[name='purposes-" + index + "-id']");
      var gone = document.querySelector("[name='purposes-" + index + "-DELETE']");
      if (!description.value.trim() || (gone && gone.checked)) { return; }
      purposes.push({value: id && id.value ? id.value : "new-" + index,
        label: description.value.trim()});
    });
    return purposes;
  }

  function syncScopes() {
    var purposes = typedPurposes();
    document.querySelectorAll("#lawful_bases-group .ropa-purpose-scopes").forEach(function (box) {
      var name = box.id.replace(/^id_/, "");
      var checked = {};
      box.querySelectorAll("input:checked").forEach(function (el) {
        checked[el.value] = true;
        checked["label:" + el.parentElement.textContent.trim()] = true;
      });
      box.textContent = "";
      if (!purposes.length) {
        var hint = document.createElement("p");
        hint.className = "help ropa-scopes-empty";
        hint.textContent = box.dataset.emptyText || "Type the purposes above to limit this basis to some of them.";
        box.appendChild(hint);
      }
      purposes.forEach(function (purpose, i) {
        var line = document.createElement("div");
        var label = document.createElement("label");
        var input = document.createElement("input");
        input.type = "checkbox";
        input.name = name;
        input.value = purpose.value;
        input.id = box.id + "_" + i;
        input.checked = !!(checked[purpose.value] || checked["label:" + purpose.label]);
        label.htmlFor = input.id;
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + purpose.label));
        line.appendChild(label);
        box.appendChild(line);
      });
    });
  }

  /* --- one Art 30 item at a time ---------------------------------------------------------- */
  function showItem(section) {
    var nav = document.querySelector(".ropa-tabs");
    if (!nav || !section) { return; }
    document.querySelectorAll(".ropa-item").forEach(function (item) {
      var active = item === section;
      item.hidden = !active;
      var tab = document.getElementById("tab-" + item.id);
      if (tab) {
        tab.setAttribute("aria-selected", active ? "true" : "false");
        tab.classList.toggle("ropa-tab-active", active);
      }
    });
    try { window.sessionStorage.setItem("ropa-item:" + window.location.pathname, section.id); } catch (e) { /* private mode */ }
  }

  function setUpTabs() {
    var nav = document.querySelector(".ropa-tabs");
    var items = document.querySelectorAll(".ropa-item");
    if (!nav || !items.length) { return; }
    nav.hidden = false;
    document.body.classList.add("ropa-tabbed");
    var first = null;
    items.forEach(function (item) {
      var errors = item.querySelectorAll(".errorlist li").length;
      var badge = document.querySelector("#tab-" + item.id + " .ropa-tab-errors");
      if (badge && errors) { badge.hidden = false; badge.textContent = String(errors); }
      if (errors && !first) { first = item; }
    });
    nav.querySelectorAll(".ropa-tab").forEach(function (tab) {
      tab.addEventListener("click", function () {
        showItem(document.getElementById(tab.getAttribute("aria-controls")));
      });
    });
    var hashed = window.location.hash ? document.querySelector(window.location.hash) : null;
    var stored = null;
    try { stored = document.getElementById(window.sessionStorage.getItem("ropa-item:" + window.location.pathname)); } catch (e) { /* private mode */ }
    showItem(first || (hashed && hashed.closest(".ropa-item")) || stored || items[0]);
    document.addEventListener("ropa:reveal", function (event) {
      var section = event.detail.target.closest(".ropa-item");
      if (section) { showItem(section); }
    });
  }

  /* --- the findings panel, read again after a popup save ------------------------------ */
  function refreshFindings() {
    var panel = document.getElementById("findings");
    if (!panel || !panel.dataset.url) { return; }
    fetch(panel.dataset.url, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#findings");
        if (fresh) {
          panel.replaceWith(fresh);
          followLinks(fresh);
          fresh.dispatchEvent(new CustomEvent("ropa:findings-refreshed", {bubbles: true}));
        }
      });
  }

  function wrapPopupDismiss(name) {
    var original = window[name];
    if (typeof original !== "function") { return; }
    window[name] = function () {
      var result = original.apply(this, arguments);
      refreshFindings();
      return result;
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameRows();
    setUpTabs();
    followLinks(document);
    if (window.location.hash) {
      var target = document.querySelector(window.location.hash);
      if (target && target.closest(".ropa-item")) { focusTarget(target); }
    }
    basisSelects().forEach(showBasisFields);
    syncScopes();
    document.addEventListener("change", function (event) {
      var el = event.target;
      if (el.matches && el.matches("#lawful_bases-group select[name$='-basis']")) { showBasisFields(el); }
      if (el.matches && el.matches("#purposes-group input, #purposes-group textarea")) { syncScopes(); }
    });
    document.addEventListener("input", function (event) {
      if (event.target.matches && event.target.matches("#purposes-group [name$='-description']")) { syncScopes(); }
    });
    document.addEventListener("formset:added", function (event) {
      nameRows();
      event.target.querySelectorAll("select[name$='-basis']").forEach(showBasisFields);
      syncScopes();
    });
    document.addEventListener("formset:removed", function () { syncScopes(); });
    wrapPopupDismiss("dismissAddRelatedObjectPopup");
    wrapPopupDismiss("dismissChangeRelatedObjectPopup");
    // The finding links that open another record do so in Django's related popup.
    window.ropaRefreshFindings = refreshFindings;
  });
}());
