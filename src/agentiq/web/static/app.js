/* AgentIQ UI behaviour: keyboard shortcuts, session-expiry recovery, drafts kept locally.
   Plain JS; every page works without it (links and forms), this only makes it faster. */
(function () {
  "use strict";

  function toast(text) {
    var el = document.getElementById("toast");
    if (!el) return;
    el.textContent = text;
    el.hidden = false;
    clearTimeout(el._t);
    el._t = setTimeout(function () { el.hidden = true; }, 4000);
  }
  window.agentiqToast = toast;

  /* --- drafts typed in a reply box survive reloads and session expiry --- */
  function draftKey(box) { return "agentiq:draft:" + box.dataset.draftKey; }
  function restoreDrafts(root) {
    (root || document).querySelectorAll("textarea[data-draft-key]").forEach(function (box) {
      var saved = localStorage.getItem(draftKey(box));
      if (saved && !box.value) box.value = saved;
      updateCounter(box);
    });
  }
  function updateCounter(box) {
    var counter = document.querySelector('[data-counter-for="' + box.id + '"]');
    if (!counter) return;
    var limit = parseInt(box.getAttribute("maxlength") || "0", 10);
    counter.textContent = box.value.length + " / " + limit;
    counter.classList.toggle("over", limit && box.value.length > limit * 0.95);
  }
  document.addEventListener("input", function (e) {
    var box = e.target;
    if (box.matches && box.matches("textarea[data-draft-key]")) {
      localStorage.setItem(draftKey(box), box.value);
      updateCounter(box);
    }
  });
  document.addEventListener("submit", function (e) {
    var box = e.target.querySelector && e.target.querySelector("textarea[data-draft-key]");
    if (box && e.target.dataset.clearsDraft !== undefined) {
      e.target.addEventListener("htmx:afterRequest", function (ev) {
        if (ev.detail.successful) localStorage.removeItem(draftKey(box));
      }, { once: true });
    }
  });

  /* --- session expiry: the core answers 401 + HX-Trigger: session-expired to htmx --- */
  document.addEventListener("session-expired", function () {
    var dialog = document.getElementById("session-dialog");
    var link = document.getElementById("session-login-link");
    var next = location.pathname + location.search;
    if (link) link.href = "/login?next=" + encodeURIComponent(next);
    if (dialog && !dialog.open) dialog.showModal();
  });
  document.addEventListener("htmx:responseError", function (e) {
    var status = e.detail.xhr.status;
    if (status === 401) return; /* handled by session-expired */
    var text = "Не удалось выполнить действие";
    var box = document.createElement("div");
    box.innerHTML = e.detail.xhr.responseText || "";
    var p = box.querySelector(".error-box p");
    if (p) text = p.textContent;
    toast(text);
  });
  document.addEventListener("htmx:sendError", function () {
    toast("Нет связи с сервером — проверьте интернет");
  });

  /* --- keyboard: j/k move, Enter open, / search, r reply, e close, ? help --- */
  function rows() { return Array.prototype.slice.call(document.querySelectorAll(".inbox-row")); }
  function current() { return document.querySelector(".inbox-row.focused"); }
  function focusRow(row) {
    rows().forEach(function (r) { r.classList.remove("focused"); });
    if (!row) return;
    row.classList.add("focused");
    row.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    var list = rows();
    if (!list.length) return;
    var index = list.indexOf(current());
    var next = list[Math.max(0, Math.min(list.length - 1, index + step))];
    if (index === -1) next = list[0];
    focusRow(next);
  }
  function openRow(row) {
    var link = row && row.querySelector("a.row-link");
    if (link) link.click();
  }
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  document.addEventListener("keydown", function (e) {
    if (e.metaKey || e.ctrlKey || e.altKey) return;
    if (e.key === "Escape") {
      var help = document.getElementById("shortcuts");
      if (help && help.open) help.close();
      if (typing(e.target)) e.target.blur();
      return;
    }
    if (typing(e.target)) return;
    var handled = true;
    switch (e.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "Enter": openRow(current()); break;
      case "/": var s = document.getElementById("search"); if (s) { s.focus(); s.select(); } break;
      case "r": var reply = document.getElementById("reply-text"); if (reply) reply.focus(); break;
      case "e": var close = document.getElementById("close-button"); if (close) close.click(); break;
      case "?": var d = document.getElementById("shortcuts"); if (d) d.showModal(); break;
      default: handled = false;
    }
    if (handled) e.preventDefault();
  });
  document.addEventListener("click", function (e) {
    var row = e.target.closest && e.target.closest(".inbox-row");
    if (row) focusRow(row);
  });

  /* --- bulk selection: "select all matching" toggles a hidden flag --- */
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t.id === "select-page") {
      document.querySelectorAll(".row-check").forEach(function (c) { c.checked = t.checked; });
    }
    if (t.classList && (t.classList.contains("row-check") || t.id === "select-page" || t.id === "select-matching")) {
      var n = document.querySelectorAll(".row-check:checked").length;
      var all = document.getElementById("select-matching");
      var bar = document.getElementById("bulk-bar");
      var label = document.getElementById("bulk-count");
      if (bar) bar.classList.toggle("hidden", !(n || (all && all.checked)));
      if (label) label.textContent = all && all.checked ? "все по фильтру" : "выбрано: " + n;
    }
  });


  /* --- JSON endpoints of the draft and reply services, then the pane re-fetches itself --- */
  function csrfToken() {
    var m = document.cookie.match(/(?:^|; )agentiq_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function refreshPane(id) {
    if (window.htmx) {
      htmx.ajax("GET", "/inbox/" + id + location.search, { target: "#item-pane" });
    } else { location.reload(); }
  }
  function postJSON(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken(),
                 "Accept": "application/json" },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      if (r.status === 401) {
        document.dispatchEvent(new Event("session-expired"));
        throw new Error("session");
      }
      return r.json().catch(function () { return {}; }).then(function (data) {
        return { ok: r.ok, status: r.status, data: data };
      });
    });
  }
  function errorText(data) {
    return (data && data.error && data.error.message) || "Не удалось выполнить действие";
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-api-post]");
    if (button) {
      e.preventDefault();
      var item = document.querySelector("[data-item-id]");
      button.disabled = true;
      postJSON(button.dataset.apiPost).then(function (res) {
        button.disabled = false;
        if (res.ok && item) refreshPane(item.dataset.itemId);
        else toast(errorText(res.data));
      }).catch(function () { button.disabled = false; });
    }
    var template = e.target.closest && e.target.closest("[data-template]");
    if (template) {
      // «Шаблон»: a step's reply from the buyer's thread goes into the composer to adapt.
      var composer = document.getElementById("reply-text");
      if (composer) {
        composer.value = template.dataset.template;
        composer.dispatchEvent(new Event("input", { bubbles: true }));
        composer.focus();
      } else {
        toast("Ответить на это обращение уже нельзя");
      }
    }
    if (e.target.id === "use-draft") {
      var box = document.getElementById("reply-text");
      var draft = document.getElementById("draft-text");
      if (box && draft) {
        box.value = draft.textContent.trim();
        box.dispatchEvent(new Event("input", { bubbles: true }));
        box.focus();
      }
    }
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[data-api]")) return;
    e.preventDefault();
    var box = form.querySelector("textarea");
    var list = document.getElementById("reply-violations");
    if (list) list.innerHTML = "";
    if (!box.value.trim()) { toast("Напишите ответ"); return; }
    var confirmEdit = form.querySelector("#confirm-edit");
    var confirmBox = form.querySelector("#edit-confirm");
    if (confirmEdit && confirmBox && !confirmBox.hidden && !confirmEdit.checked) {
      toast("Подтвердите замену опубликованного ответа");
      confirmEdit.focus();
      return;
    }
    var payload = { text: box.value, confirm_edit: !!(confirmEdit && confirmEdit.checked) };
    postJSON(form.dataset.api, payload).then(function (res) {
      if (res.ok) {
        localStorage.removeItem(draftKey(box));
        refreshPane(form.dataset.item);
        return;
      }
      var code = res.data && res.data.error && res.data.error.code;
      if (code === "edit_needs_confirmation" && confirmBox) {
        /* The server knows of a published answer the page did not: ask now. */
        confirmBox.hidden = false;
        var why = form.querySelector("#edit-confirm-text");
        if (why) why.textContent = errorText(res.data);
        var submit = form.querySelector("#reply-submit");
        if (submit) submit.textContent = "Изменить ответ";
        if (confirmEdit) confirmEdit.focus();
        return;
      }
      var details = res.data && res.data.error && res.data.error.details;
      var items = (details && (details.violations || details.items)) || [];
      if (list && items.length) {
        items.forEach(function (v) {
          var li = document.createElement("li");
          li.textContent = (v.message_ru || v.message || "") + (v.fragment ? " — «" + v.fragment + "»" : "");
          list.appendChild(li);
        });
      } else { toast(errorText(res.data)); }
    }).catch(function () {});
  });

  /* A live refresh must not wipe a selection the operator is making. */
  document.addEventListener("htmx:confirm", function (e) {
    var el = e.detail.elt;
    if (el && el.id === "inbox-list" && e.detail.triggeringEvent &&
        String(e.detail.triggeringEvent.type).indexOf("sse:") === 0 &&
        document.querySelector(".row-check:checked, #select-matching:checked")) {
      e.preventDefault();
    }
  });
  /* A live refresh of the list re-reads as many rows as are on screen (pages loaded by
     scrolling stay), not just the first page. */
  document.addEventListener("htmx:configRequest", function (e) {
    var el = e.detail.elt;
    if (el && el.id === "inbox-list") {
      e.detail.parameters.shown = String(document.querySelectorAll("#inbox-list .inbox-row").length);
    }
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.target.id === "item-pane") {
      var inbox = document.getElementById("inbox");
      if (inbox) inbox.classList.add("has-item");
      if (window.innerWidth <= 760) window.scrollTo(0, 0);
    }
  });
  /* --- Settings → SLA: the empty-review switch names the ratings ticked below it
     («5★», «4–5★», «1★ и 5★»), as the server renders it after saving --- */
  function starsText(values) {
    if (!values.length) return "";
    var contiguous = values[values.length - 1] - values[0] === values.length - 1;
    if (values.length > 1 && contiguous) return values[0] + "–" + values[values.length - 1] + "★";
    var stars = values.map(function (v) { return v + "★"; });
    if (stars.length === 1) return stars[0];
    return stars.slice(0, -1).join(", ") + " и " + stars[stars.length - 1];
  }
  document.addEventListener("change", function (e) {
    var box = e.target;
    if (!box.matches || !box.matches("input[name=empty_review_silent_ratings]")) return;
    var label = box.form && box.form.querySelector("[data-silent-stars]");
    if (!label) return;
    var ticked = box.form.querySelectorAll("input[name=empty_review_silent_ratings]:checked");
    var values = Array.prototype.map.call(ticked, function (b) { return parseInt(b.value, 10); })
      .filter(function (v) { return v >= 1 && v <= 5; })
      .sort();
    label.textContent = starsText(values);
  });

  /* Returning to the same item after signing in again: the dialog link carries ?next=. */
  document.addEventListener("DOMContentLoaded", function () { restoreDrafts(); });
  document.addEventListener("htmx:afterSettle", function (e) {
    restoreDrafts(e.target);
    if (e.target.id === "item-pane") {
      var id = e.target.querySelector("[data-item-id]");
      if (id) {
        document.querySelectorAll(".inbox-row").forEach(function (r) {
          r.classList.toggle("selected", r.dataset.id === id.dataset.itemId);
        });
      }
    }
  });
})();
