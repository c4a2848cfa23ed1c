/* Rich-text editing for every <textarea data-rich-text>: a Quill editor replaces the textarea on screen and
   writes its HTML back into it when the form is submitted. The server sanitises what arrives
   (app/services/rich_text.py), so the editor is a convenience, never a safeguard. */
(function () {
  "use strict";
  if (typeof Quill === "undefined") { return; }
  var TOOLBAR = [
    [{ header: [1, 2, 3, false] }],
    ["bold", "italic", "underline", "strike"],
    [{ color: [] }, { background: [] }],
    [{ list: "ordered" }, { list: "bullet" }],
    [{ align: [] }],
    ["link", "blockquote"],
    ["clean"]
  ];
  // Quill names its buttons in English (aria-label "bold", ...); staff see Chinese tooltips.
  var TIPS = {
    "ql-header": "标题", "ql-bold": "粗体", "ql-italic": "斜体", "ql-underline": "下划线", "ql-strike": "删除线",
    "ql-color": "文字颜色", "ql-background": "背景颜色", "ql-list:ordered": "编号列表", "ql-list:bullet": "项目符号列表",
    "ql-align": "对齐方式", "ql-link": "插入链接", "ql-blockquote": "引用", "ql-clean": "清除格式"
  };
  function translateToolbar(toolbar) {
    toolbar.querySelectorAll("button, .ql-picker, .ql-picker-label, .ql-picker-item").forEach(function (el) {
      var owner = el.closest(".ql-picker") || el;
      var name = Array.prototype.find.call(owner.classList, function (c) { return c.indexOf("ql-") === 0 && c !== "ql-picker"; });
      var tip = TIPS[name + ":" + (el.value || "")] || TIPS[name];
      if (el.classList.contains("ql-picker-item") && name === "ql-align") {
        tip = { "": "左对齐", center: "居中", right: "右对齐", justify: "两端对齐" }[el.dataset.value || ""];
      }
      if (tip) { el.setAttribute("title", tip); el.setAttribute("aria-label", tip); }
    });
  }
  document.querySelectorAll("textarea[data-rich-text]").forEach(function (area) {
    var holder = document.createElement("div");
    holder.className = "crm-rich-text";
    area.parentNode.insertBefore(holder, area);
    area.hidden = true;
    var editor = new Quill(holder, { theme: "snow", modules: { toolbar: TOOLBAR },
                                     placeholder: area.getAttribute("placeholder") || "" });
    if (area.value) { editor.clipboard.dangerouslyPasteHTML(area.value); }
    area.crmEditor = editor;
    translateToolbar(editor.getModule("toolbar").container);
    var sync = function () { area.value = editor.getLength() > 1 ? editor.getSemanticHTML() : ""; };
    editor.on("text-change", sync);
    if (area.form) { area.form.addEventListener("submit", sync); }
  });
}());
