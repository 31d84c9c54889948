// « Tout sélectionner »: a checkbox data-check-all="NAME" checks or clears every box named NAME
// of its form. A static file (no inline handler, for the CSP).
document.addEventListener("change", function (event) {
  var all = event.target.closest("[data-check-all]");
  if (!all || !all.form) return;
  var name = all.getAttribute("data-check-all");
  all.form.querySelectorAll('input[type="checkbox"]').forEach(function (box) {
    if (box.name === name) box.checked = all.checked;
  });
});
