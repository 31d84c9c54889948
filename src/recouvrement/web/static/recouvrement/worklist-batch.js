// « Gestion des actions » › « Exécuter » (web/worklist/batch.py). A static file: no inline
// script under the CSP.
//
// The letters selected print into one PDF, the answer to the post, opened in a new tab
// (formtarget="_blank"); the summary line waits on the server for the next worklist page.
// So: with no letter selected, « Exécuter » stays in this tab (the answer is the worklist and
// its summary); with letters, this tab reloads when the user comes back to it, showing the
// summary and the list without the rows done.
(function () {
  var awaiting = false;
  var left = false;

  function comeBack() {
    if (!awaiting || !left || document.visibilityState !== "visible") return;
    awaiting = false;
    window.location.reload();
  }

  function away() {
    if (awaiting) left = true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-batch-execute]");
    if (!button || !button.form) return;
    var bar = button.closest("[data-printed-ids]");
    var printed = bar ? bar.getAttribute("data-printed-ids").split(" ") : [];
    var letters = Array.prototype.some.call(
      button.form.querySelectorAll('input[name="ids"]:checked'),
      function (box) { return printed.indexOf(box.value) >= 0; }
    );
    button.setAttribute("formtarget", letters ? "_blank" : "_self");
    awaiting = letters;
    left = false;
  });
  window.addEventListener("blur", away);
  window.addEventListener("focus", comeBack);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") away();
    else comeBack();
  });
})();
