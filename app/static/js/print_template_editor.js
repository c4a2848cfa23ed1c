/* 模板管理: each part (上部 / 产品明细 / 底部) is edited either in a Quill editor or as HTML source (源代码).
   Quill 2 keeps no table layout (header rows, colspan, borders and widths are lost, cells are merged), so a part
   that holds a table, and the 产品明细 part, open as source; switching such a part to the editor asks first.
   The textarea stays the submitted field: the editor writes into it only after the user changes something,
   so opening and saving a template never rewrites its HTML. The server sanitises whatever arrives. */
(function () {
  "use strict";
  if (typeof Quill === "undefined") { return; }
  var TABLE = /<table\b/i;
  var TOOLBAR = [
    [{ header: [1, 2, 3, false] }],
    ["bold", "italic", "underline", "strike"],
    [{ color: [] }, { background: [] }],
    [{ align: [] }],
    ["clean"]
  ];
  var TABLE_NOTE = "此部分含表格：可视化编辑器不支持表格的表头、合并单元格和边框，请在“源代码”中修改。";
  var TABLE_CONFIRM = "此部分含表格，切换到可视化编辑会打乱表格（表头、合并单元格、边框会丢失）。仍要切换吗？";
  var parts = [];
  var last = null;

  // Quill 2.0 writes every space as &nbsp;, so printed lines could not wrap: one space becomes a plain space,
  // longer runs keep their width (a plain space followed by &nbsp;s).
  function wrappable(html) {
    return html.replace(/(?:&nbsp;)+/g, function (run) { return " " + run.slice(6); });
  }

  function modeButton(label, mode) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.textContent = label;
    button.setAttribute("data-editor-mode", mode);
    return button;
  }

  function setup(area) {
    var wrap = document.createElement("div");
    wrap.className = "print-part";
    var modes = document.createElement("div");
    modes.className = "btn-group btn-group-sm mb-1 print-part-modes";
    var visualButton = modeButton("可视化编辑", "visual");
    var sourceButton = modeButton("源代码", "source");
    modes.appendChild(visualButton);
    modes.appendChild(sourceButton);
    var note = document.createElement("div");
    note.className = "small text-muted mb-1 print-part-note";
    var visual = document.createElement("div");
    visual.className = "print-part-visual";
    var holder = document.createElement("div");
    visual.appendChild(holder);
    area.parentNode.insertBefore(wrap, area);
    wrap.appendChild(modes);
    wrap.appendChild(note);
    wrap.appendChild(visual);
    wrap.appendChild(area);
    var part = { area: area, editor: new Quill(holder, { theme: "snow", modules: { toolbar: TOOLBAR } }),
                 mode: null, wrap: wrap };
    wrap.setAttribute("data-part", area.id);

    part.setMode = function (mode) {
      if (mode === "visual") {
        part.editor.setContents([], "silent");
        if (area.value) { part.editor.clipboard.dangerouslyPasteHTML(area.value, "silent"); }
      }
      part.mode = mode;
      visual.hidden = mode !== "visual";
      area.hidden = mode !== "source";
      visualButton.classList.toggle("active", mode === "visual");
      sourceButton.classList.toggle("active", mode === "source");
      note.textContent = mode === "source" && TABLE.test(area.value) ? TABLE_NOTE : "";
      wrap.setAttribute("data-mode", mode);
    };
    part.insert = function (text) {
      if (part.mode === "visual") {
        var range = part.editor.getSelection(true);
        var index = range ? range.index : Math.max(part.editor.getLength() - 1, 0);
        part.editor.insertText(index, text, "user");
        part.editor.setSelection(index + text.length, 0, "user");
      } else {
        area.focus();
        area.setRangeText(text, area.selectionStart, area.selectionEnd, "end");
      }
    };

    part.editor.on("text-change", function (delta, old, source) {
      if (part.mode === "visual" && source === "user") {
        area.value = part.editor.getLength() > 1 ? wrappable(part.editor.getSemanticHTML()) : "";
      }
    });
    part.editor.on("selection-change", function (range) { if (range) { last = part; } });
    area.addEventListener("focus", function () { last = part; });
    visualButton.addEventListener("click", function () {
      if (part.mode !== "visual" && (!TABLE.test(area.value) || window.confirm(TABLE_CONFIRM))) {
        part.setMode("visual");
      }
    });
    sourceButton.addEventListener("click", function () { part.setMode("source"); });
    var prefersSource = area.getAttribute("data-print-editor") === "table" || TABLE.test(area.value);
    part.setMode(prefersSource ? "source" : "visual");
    return part;
  }

  document.querySelectorAll("textarea[data-print-editor]").forEach(function (area) { parts.push(setup(area)); });
  if (!parts.length) { return; }

  document.querySelectorAll("[data-placeholder]").forEach(function (button) {
    button.addEventListener("click", function () {
      (last || parts[0]).insert(button.getAttribute("data-placeholder"));
    });
  });

  // The picker lists the placeholders of the chosen 模板类型 only.
  var kind = document.getElementById("kind");
  var showKind = function () {
    document.querySelectorAll(".placeholder-kind").forEach(function (group) {
      group.hidden = kind && group.getAttribute("data-kind") !== kind.value;
    });
  };
  if (kind) {
    kind.addEventListener("change", showKind);
    if (window.jQuery) { window.jQuery(kind).on("change", showKind); }  // Flask-Admin's select2
  }
  showKind();
}());
