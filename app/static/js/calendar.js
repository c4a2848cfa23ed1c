/* 日程管理: clicking a day's empty space opens 添加日程 for that day (td[data-new-url]); entries are links. */
(function () {
  'use strict';
  document.querySelectorAll('td[data-new-url]').forEach(function (cell) {
    cell.addEventListener('click', function (event) {
      if (event.target.closest('a, button, form')) return;
      window.location.href = cell.dataset.newUrl;
    });
  });
})();
