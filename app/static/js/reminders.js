/* Lower-right pop-up for new reminders (manual 4.1, 8.3): polls the JSON endpoint and updates the header badge.
   Data comes from #reminder-popup's data- attributes; no inline script. */
(function () {
  'use strict';
  var box = document.getElementById('reminder-popup');
  if (!box || !window.fetch) return;
  var interval = Math.max(parseInt(box.dataset.interval, 10) || 30, 1) * 1000;
  var key = 'crm.reminders.shown.' + box.dataset.user;
  var shown = parseInt(window.localStorage.getItem(key) || '0', 10) || 0;
  var dismissed = {};

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function updateBadge(count) {
    var badge = document.getElementById('reminder-count');
    if (!badge) return;
    badge.textContent = String(count);
    badge.hidden = !count;
  }

  function card(item) {
    var node = element('div', 'crm-reminder-card');
    node.dataset.id = item.id;
    var head = element('div', 'crm-reminder-head');
    head.appendChild(element('span', 'crm-reminder-kind', item.kind));
    head.appendChild(element('span', 'crm-reminder-time', item.time));
    var close = element('button', 'close', '\u00d7');
    close.type = 'button';
    close.title = '关闭';
    close.addEventListener('click', function () {
      dismissed[item.id] = true;
      node.remove();
      if (!box.querySelector('.crm-reminder-card')) box.hidden = true;
    });
    head.appendChild(close);
    node.appendChild(head);
    node.appendChild(element('div', 'crm-reminder-title', item.title));
    if (item.body) node.appendChild(element('div', 'crm-reminder-body', item.body));
    var form = element('form', 'crm-reminder-open');
    form.method = 'post';
    form.action = item.open_url;
    var token = element('input');
    token.type = 'hidden';
    token.name = 'csrf_token';
    token.value = box.dataset.csrf;
    form.appendChild(token);
    var open = element('button', 'btn btn-sm btn-primary', '查看');
    open.type = 'submit';
    form.appendChild(open);
    var all = element('a', 'btn btn-sm btn-link', '提醒中心');
    all.href = box.dataset.listUrl;
    form.appendChild(all);
    node.appendChild(form);
    return node;
  }

  function show(items) {
    items.forEach(function (item) {
      if (dismissed[item.id] || box.querySelector('[data-id="' + item.id + '"]')) return;
      box.insertBefore(card(item), box.firstChild);
      if (!item.pinned && item.id > shown) shown = item.id;
    });
    while (box.children.length > 5) box.removeChild(box.lastChild);
    box.hidden = !box.querySelector('.crm-reminder-card');
    window.localStorage.setItem(key, String(shown));
  }

  function poll() {
    if (document.hidden) return;
    window.fetch(box.dataset.pollUrl + '?after=' + shown, {credentials: 'same-origin', headers: {Accept: 'application/json'}})
      .then(function (response) {
        if (response.status === 401) window.clearInterval(timer);  // logged out: nothing more to fetch
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        updateBadge(data.unread);
        show(data.items);
      })
      .catch(function () { /* offline for a moment: try again at the next interval */ });
  }

  var timer = window.setInterval(poll, interval);
  poll();
})();
