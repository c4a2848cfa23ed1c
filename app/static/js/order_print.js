/* 订单打印: 全选 toggles every row's box; 打印 with no order ticked says so instead of opening an empty tab. */
(function () {
  "use strict";
  var form = document.getElementById("print-form");
  if (!form) { return; }
  var boxes = function () { return form.querySelectorAll("input.print-pick"); };
  var toggle = document.getElementById("print-toggle-all");
  if (toggle) {
    toggle.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = toggle.checked; });
    });
  }
  form.addEventListener("submit", function (event) {
    var ticked = form.querySelectorAll("input.print-pick:checked").length;
    if (ticked === 0) {
      event.preventDefault();
      window.alert(form.getAttribute("data-empty-message"));
    }
  });
}());
