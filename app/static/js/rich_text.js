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
  document.querySelectorAll("textarea[data-rich-text]").forEach(function (area) {
    var holder = document.createElement("div");
    holder.className = "crm-rich-text";
    area.parentNode.insertBefore(holder, area);
    area.hidden = true;
    var editor = new Quill(holder, { theme: "snow", modules: { toolbar: TOOLBAR },
                                     placeholder: area.getAttribute("placeholder") || "" });
    if (area.value) { editor.clipboard.dangerouslyPasteHTML(area.value); }
    area.crmEditor = editor;
    var sync = function () { area.value = editor.getLength() > 1 ? editor.getSemanticHTML() : ""; };
    editor.on("text-change", sync);
    if (area.form) { area.form.addEventListener("submit", sync); }
  });
}());
