// « Copier le lien »: a button data-copy="ID" copies the value of the field #ID; the element
// data-copy-status="ID" says it was done. A static file (no inline script, for the CSP).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var id = button.getAttribute("data-copy");
  var field = document.getElementById(id);
  var status = document.querySelector('[data-copy-status="' + id + '"]');
  if (!field) return;
  function done() {
    if (status) status.textContent = button.getAttribute("data-copied") || "Copié";
  }
  function fallback() {
    field.focus();
    field.select();
    try {
      if (document.execCommand("copy")) done();
    } catch (error) {
      if (status) status.textContent = "Copie impossible : sélectionnez le lien et copiez-le.";
    }
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, fallback);
  } else {
    fallback();
  }
});
