/* Composer guardrails: while the operator types a reply, ask POST /api/guardrails/check what
   the send would say (nothing is sent), mark the offending fragments in a preview under the
   text, list them in plain Russian, and hold «Отправить» while anything blocks. The server
   checks again at send time; this only tells earlier. */
(function () {
  "use strict";
  var DELAY_MS = 300;
  var timer = null;
  var sequence = 0;

  function csrfToken() {
    var m = document.cookie.match(/(?:^|; )agentiq_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function isComposer(el) {
    return el && el.id === "reply-text" && el.form && el.form.dataset.item;
  }

  function preview(box) {
    var marks = document.getElementById("reply-marks");
    if (!marks) {
      marks = document.createElement("div");
      marks.id = "reply-marks";
      marks.className = "reply-marks small";
      marks.setAttribute("aria-live", "polite");
      marks.hidden = true;
      box.insertAdjacentElement("afterend", marks);
    }
    return marks;
  }

  function render(box, data) {
    var marks = preview(box);
    var list = document.getElementById("reply-violations");
    var send = box.form.querySelector("button[type=submit]");
    var found = (data && data.violations) || [];
    marks.textContent = "";
    if (list) list.textContent = "";
    if (send) { send.disabled = false; send.removeAttribute("title"); }
    box.removeAttribute("aria-invalid");
    if (!found.length) { marks.hidden = true; return; }
    // Spans count Unicode code points (as Python does), not UTF-16 units: emoji stay whole.
    var chars = Array.from(box.value);
    var pos = 0;
    found.filter(function (v) { return v.end > v.start; })
      .sort(function (a, b) { return a.start - b.start || b.end - a.end; })
      .forEach(function (v) {
        if (v.start < pos) return;
        marks.appendChild(document.createTextNode(chars.slice(pos, v.start).join("")));
        var mark = document.createElement("mark");
        mark.className = v.severity === "error" ? "guard-error" : "guard-warning";
        mark.title = v.line_ru;
        mark.textContent = chars.slice(v.start, v.end).join("");
        marks.appendChild(mark);
        pos = v.end;
      });
    marks.appendChild(document.createTextNode(chars.slice(pos).join("")));
    marks.hidden = false;
    if (list) {
      // One line per kind of problem, with every fragment it was found in.
      var groups = {};
      var order = [];
      found.forEach(function (v) {
        var g = groups[v.category];
        if (!g) {
          g = groups[v.category] = { v: v, fragments: [], error: false };
          order.push(v.category);
        }
        var fragment = v.fragment.replace(/\s+/g, " ").trim().slice(0, 40);
        if (fragment && v.category !== "length" && g.fragments.indexOf(fragment) < 0) {
          g.fragments.push(fragment);
        }
        g.error = g.error || v.severity === "error";
      });
      order.forEach(function (category) {
        var g = groups[category];
        var li = document.createElement("li");
        li.className = g.error ? "guard-error" : "guard-warning";
        var where = g.fragments.map(function (f) { return "«" + f + "»"; }).join(", ");
        li.textContent = g.v.label_ru + (where ? " " + where : "") + ": " + g.v.message_ru;
        list.appendChild(li);
      });
    }
    if (!data.can_send) {
      box.setAttribute("aria-invalid", "true");
      if (send) { send.disabled = true; send.title = data.summary_ru; }
    }
  }

  function check(box) {
    var mine = ++sequence;
    if (!box.value.trim()) { render(box, null); return; }
    fetch("/api/guardrails/check", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRF-Token": csrfToken() },
      body: JSON.stringify({ text: box.value, interaction_id: Number(box.form.dataset.item) })
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (mine === sequence && data) render(box, data); })
      .catch(function () { /* the send checks again; a failed preview blocks nothing */ });
  }

  document.addEventListener("input", function (e) {
    if (!isComposer(e.target)) return;
    clearTimeout(timer);
    var box = e.target;
    timer = setTimeout(function () { check(box); }, DELAY_MS);
  });
  // A pane loaded with a saved draft in the composer is checked right away.
  document.addEventListener("htmx:afterSwap", function () {
    var box = document.getElementById("reply-text");
    if (isComposer(box) && box.value.trim()) check(box);
  });
})();
