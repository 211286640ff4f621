// The export centre: each export not finished polls its status URL and moves its
// progress bar; once ready, its row shows the download.
(function () {
  "use strict";
  var INTERVAL = 1000;

  function text(el, value) { if (el) { el.textContent = value; } }

  function show(row, state) {
    row.dataset.status = state.status;
    var bar = row.querySelector("progress");
    if (bar) { bar.value = state.percent; bar.textContent = state.percent + "%"; }
    var label = row.querySelector(".ropa-export-state");
    if (label) {
      label.className = "ropa-export-state ropa-export-" + state.status;
      text(label, state.status_label);
    }
    if (state.total !== null) {
      text(row.querySelector(".ropa-export-count"), state.done + " of " + state.total + " activities");
    }
    if (!state.finished) { return; }
    var cell = row.querySelector(".ropa-export-file");
    cell.textContent = "";
    if (state.download_url) {
      var link = document.createElement("a");
      link.href = state.download_url;
      link.className = "button ropa-export-download";
      link.setAttribute("download", "");
      link.textContent = "Download";
      var help = document.createElement("span");
      help.className = "help";
      help.textContent = state.filename + " · kept until " + state.kept_until;
      cell.appendChild(link);
      cell.appendChild(document.createTextNode(" "));
      cell.appendChild(help);
    } else {
      var error = document.createElement("span");
      error.className = "errornote ropa-export-error";
      error.textContent = state.error || state.status_label;
      cell.appendChild(error);
    }
  }

  function poll(row) {
    var url = row.dataset.statusUrl;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (state) {
        show(row, state);
        if (!state.finished) { setTimeout(function () { poll(row); }, INTERVAL); }
      })
      .catch(function () { setTimeout(function () { poll(row); }, INTERVAL * 5); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("tr[data-status-url]").forEach(poll);
  });
})();
