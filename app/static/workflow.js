// 订单明细's 打印 picker: the chosen template decides the kind (配货单 / 发货单).
(function () {
  var select = document.getElementById('print-template');
  if (!select) return;
  function sync() {
    var option = select.options[select.selectedIndex];
    if (option) document.getElementById('print-kind').value = option.getAttribute('data-kind');
  }
  select.addEventListener('change', sync);
  sync();
})();
