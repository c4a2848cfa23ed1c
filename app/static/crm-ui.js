// Page behaviour declared by templates through data- attributes, so that no page needs an inline
// event handler or a javascript: link (the Content-Security-Policy allows neither).
(function () {
  "use strict";

  var CLICKABLE = "[data-confirm], [data-model-action], [data-prevent-default], [data-history-back], " +
    "[data-print], [data-refresh-src]";

  // Flask-Admin draws a few inert links as href="javascript:void(0)" (the active tab, dropdown
  // toggles); following one would be refused by the CSP, so the click is cancelled first.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='javascript:']");
    if (link) {
      event.preventDefault();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var target = event.target.closest(CLICKABLE);
    if (!target || target.tagName === "FORM") {
      return;
    }
    if (target.hasAttribute("data-confirm")) {
      if (!window.confirm(target.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
      return;
    }
    event.preventDefault();
    if (target.hasAttribute("data-model-action")) {
      window.modelActions.execute(target.getAttribute("data-model-action"));  // Flask-Admin's actions.js
    } else if (target.hasAttribute("data-history-back")) {
      if (window.history.length > 1) {
        window.history.back();
      } else {
        window.location.href = target.getAttribute("href");
      }
    } else if (target.hasAttribute("data-print")) {
      window.print();
    } else if (target.hasAttribute("data-refresh-src")) {
      target.src = target.getAttribute("data-refresh-src") + "?" + Date.now();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // One-click filter (admin_views/quick_filters.py): replace this filter's flt<n>_<arg> in the current
  // URL, drop the page position, reload at once; the empty choice (全部) removes the filter.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-filter-suffix]");
    if (!select) {
      return;
    }
    var url = new URL(window.location.href);
    var pattern = new RegExp("^flt\\d+_" + select.getAttribute("data-filter-suffix") + "$");
    Array.from(url.searchParams.keys()).forEach(function (key) {
      if (pattern.test(key) || key === "page" || key === "after") {
        url.searchParams.delete(key);
      }
    });
    if (select.value) {
      url.searchParams.append(select.getAttribute("data-filter-arg"), select.value);
    }
    window.location.href = url.toString();
  });

  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-navigate-on-change]");
    if (field && field.value) {
      window.location.href = field.getAttribute("data-navigate-on-change") + encodeURIComponent(field.value);
    }
  });
})();
