/* 发送邮件 / 群发短信: the 自客户 / 自联系人 / 自通讯录 picker, the SMS number and length counters, and
   (confirmations: crm-ui.js). No inline scripts: pages pass data through data- attributes. */
(function () {
  "use strict";

  function splitValues(text) {
    return text.split(/[;,，；\s]+/).map(function (s) { return s.trim(); }).filter(Boolean);
  }

  // Picker -----------------------------------------------------------------
  var panel = document.getElementById("picker-panel");
  if (panel) {
    var kind = null, target = null;
    var results = document.getElementById("picker-results");
    var query = document.getElementById("picker-query");
    var titles = { customer: "自客户", contact: "自联系人", employee: "自通讯录" };
    var search = function () {
      var url = panel.dataset.url + "?kind=" + encodeURIComponent(kind) + "&q=" + encodeURIComponent(query.value);
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (rows) {
        results.textContent = "";
        if (!rows.length) { results.textContent = "没有找到"; return; }
        rows.forEach(function (row) {
          var label = document.createElement("label");
          label.className = "mr-3 d-inline-block picker-row";
          var box = document.createElement("input");
          box.type = "checkbox"; box.value = row.value; box.className = "mr-1";
          label.appendChild(box);
          label.appendChild(document.createTextNode(row.name + " " + row.value));
          results.appendChild(label);
        });
      });
    };
    document.querySelectorAll("[data-picker]").forEach(function (button) {
      button.addEventListener("click", function () {
        kind = button.dataset.picker; target = document.getElementById(button.dataset.target);
        document.getElementById("picker-title").textContent = titles[kind] || "";
        panel.classList.remove("d-none"); results.textContent = ""; query.focus(); search();
      });
    });
    document.getElementById("picker-search").addEventListener("click", search);
    query.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); search(); } });
    document.getElementById("picker-close").addEventListener("click", function () { panel.classList.add("d-none"); });
    document.getElementById("picker-add").addEventListener("click", function () {
      var sep = panel.dataset.separator || ";";
      var have = splitValues(target.value);
      results.querySelectorAll("input:checked").forEach(function (box) {
        if (have.indexOf(box.value) < 0) { have.push(box.value); }
      });
      target.value = have.join(sep);
      target.dispatchEvent(new Event("input"));
      panel.classList.add("d-none");
    });
  }

  // SMS counters: the same rules as app/services/sms/numbers.py and billing.py ------------------------
  var numbers = document.getElementById("sms-numbers");
  if (numbers) {
    var MOBILE = /^1[3-9]\d{9}$/;
    var normalise = function (raw) {
      var digits = raw.replace(/[\s\-()（）]/g, "");
      if (digits.indexOf("+86") === 0) { digits = digits.slice(3); }
      else if (digits.indexOf("0086") === 0) { digits = digits.slice(4); }
      else if (digits.length === 13 && digits.indexOf("86") === 0) { digits = digits.slice(2); }
      return digits;
    };
    var countNumbers = function () {
      var seen = {}, valid = 0, dup = 0, bad = 0;
      numbers.value.split(/[,，;；\n\r]+/).forEach(function (raw) {
        if (!raw.trim()) { return; }
        var n = normalise(raw.trim());
        if (!MOBILE.test(n)) { bad += 1; return; }
        if (seen[n]) { dup += 1; return; }
        seen[n] = true; valid += 1;
      });
      document.getElementById("sms-number-count").textContent = valid;
      document.getElementById("sms-number-duplicates").textContent = dup;
      document.getElementById("sms-number-invalid").textContent = bad;
      document.getElementById("sms-number-over").classList.toggle("d-none", valid <= 500);
    };
    numbers.addEventListener("input", countNumbers);
    countNumbers();

    var content = document.getElementById("sms-content");
    var account = document.getElementById("sms-account");
    var countChars = function () {
      var option = account.options[account.selectedIndex];
      var rule = option ? option.dataset : {};
      var single = parseInt(rule.single || "65", 10), part = parseInt(rule.part || "65", 10);
      var max = parseInt(rule.max || "200", 10);
      var extra = rule.countSignature === "1" ? (rule.signature || "").length + 2 : 0;
      var length = Array.from(content.value).length;
      var billed = length + extra;
      var parts = billed === 0 ? 0 : (billed <= single ? 1 : Math.ceil(billed / part));
      document.getElementById("sms-char-count").textContent = length;
      document.getElementById("sms-part-count").textContent = parts;
      document.getElementById("sms-single").textContent = single;
      document.getElementById("sms-max").textContent = max;
      document.getElementById("sms-char-over").classList.toggle("d-none", length <= max);
      var balance = document.getElementById("sms-balance");
      if (balance && option) { balance.textContent = option.dataset.balance || "未知"; }
    };
    content.addEventListener("input", countChars);
    account.addEventListener("change", countChars);
    countChars();
    document.querySelectorAll("[data-template]").forEach(function (item) {
      item.addEventListener("click", function (e) { e.preventDefault(); content.value = item.dataset.template; countChars(); });
    });
    var clear = document.getElementById("sms-clear");
    if (clear) { clear.addEventListener("click", function () { numbers.value = ""; countNumbers(); }); }
  }

  // Forms marked data-confirm are confirmed by app/static/crm-ui.js, which every page loads.
}());
