/* factpress: the Data page's table of facts, sortable by any column and filtered as the reader
   types. Without this script the table is whole and in the report's order; with it, each column
   heading is a button (aria-sort says the order), a "Sort by" list does the same where the table
   is stacked (phones, where the headings are not shown), and the filter box shows only the rows
   that hold every word typed (in the label, region, period, value, notes or the fact's id). */
(function () {
  "use strict";
  var table = document.getElementById("all-facts");
  var tools = document.getElementById("facts-tools");
  if (!table || !tools) return;
  var input = document.getElementById("facts-filter");
  var count = document.getElementById("facts-count");
  var rows = Array.prototype.slice.call(table.querySelectorAll("tr[data-fact-row]"));
  var total = rows.length;
  var notes = {};
  Array.prototype.forEach.call(document.querySelectorAll("[data-note-of]"), function (li) {
    notes[li.getAttribute("data-note-of")] = li;
  });
  rows.forEach(function (row, i) {
    var id = row.getAttribute("data-fact-row");
    var note = notes[id];
    row._order = i;
    row._text = (row.textContent + " " + id + " " + (note ? note.textContent : "")).toLowerCase();
  });

  function key(row, column) {
    var cell = row.cells[column];
    if (!cell) return "";
    var sort = cell.getAttribute("data-sort");
    return sort !== null ? sort : cell.textContent.trim();
  }

  var NUMBER = /^-?\d+(\.\d+)?$/;

  function compare(a, b) {
    if (NUMBER.test(a) && NUMBER.test(b)) return parseFloat(a) - parseFloat(b);
    return a.localeCompare(b, document.documentElement.lang || undefined, {numeric: true, sensitivity: "base"});
  }

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var select = document.getElementById("facts-sort");

  function sort(column, ascending) {
    headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
    if (column >= 0) headers[column].setAttribute("aria-sort", ascending ? "ascending" : "descending");
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var own = rows.filter(function (r) { return r.parentNode === body; });
      own.sort(function (a, b) {
        if (column < 0) return a._order - b._order; // the report's order
        var ka = key(a, column), kb = key(b, column);
        if ((ka === "") !== (kb === "")) return ka === "" ? 1 : -1; // empty cells last, either way
        var c = compare(ka, kb);
        return (ascending ? c : -c) || a._order - b._order;
      });
      own.forEach(function (r) { body.appendChild(r); });
    });
    if (select) select.value = column < 0 ? "" : column + (ascending ? "+" : "-");
  }

  headers.forEach(function (th, column) {
    var name = th.textContent.trim();
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", function () {
      sort(column, th.getAttribute("aria-sort") !== "ascending");
    });
    if (select) {
      [["+", "ascending"], ["-", "descending"]].forEach(function (way) {
        var option = document.createElement("option");
        option.value = column + way[0];
        option.textContent = name + ", " + way[1];
        select.appendChild(option);
      });
    }
  });
  if (select) {
    select.addEventListener("change", function () {
      var v = select.value;
      sort(v ? parseInt(v, 10) : -1, v.slice(-1) !== "-");
    });
  }

  function filter() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var match = words.every(function (w) { return row._text.indexOf(w) >= 0; });
      row.hidden = !match;
      var note = notes[row.getAttribute("data-fact-row")];
      if (note) note.hidden = !match;
      if (match) shown += 1;
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      body.hidden = !body.querySelector("tr[data-fact-row]:not([hidden])");
    });
    count.textContent = words.length ? "Showing " + shown + " of " + total + " facts" : "All " + total + " facts";
  }

  input.addEventListener("input", filter);
  tools.hidden = false;
  filter();
})();
