// The progress bar of a long job (templates/admin/_job_progress.html): poll its progress while it runs, move
// the bar, and reload the page once the job has ended so the page shows the download link or the summary.
(function () {
  document.querySelectorAll('.job-progress').forEach(function (box) {
    var running = (box.getAttribute('data-running') || '').split(' ');
    if (running.indexOf(box.getAttribute('data-state')) < 0) return;
    var bar = box.querySelector('.progress-bar');
    var text = box.querySelector('.job-progress-text');
    function poll() {
      fetch(box.getAttribute('data-url'), {credentials: 'same-origin', cache: 'no-store'})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (status) {
          if (!status) return setTimeout(poll, 3000);
          if (running.indexOf(status.state) < 0) return window.location.reload();
          var pct = status.total ? Math.min(100, Math.floor(status.done * 100 / status.total)) : 0;
          bar.style.width = pct + '%';
          bar.textContent = pct + '%';
          bar.setAttribute('aria-valuenow', pct);
          if (text && status.state === 'checking') text.textContent = '正在检查：已检查 ' + status.done + ' 行';
          if (text && status.state === 'running') {
            text.textContent = '正在处理：' + status.done + (status.total ? ' / ' + status.total : '') + ' 行';
          }
          setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    setTimeout(poll, 500);
  });
})();
