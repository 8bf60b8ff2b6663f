// How far a document upload has gone, in the <progress> of the form htmx is sending.
// Without JavaScript (or htmx) the form posts normally and the bar stays hidden.
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target;
  var bar = form && form.querySelector ? form.querySelector("progress") : null;
  if (!bar || !event.detail.lengthComputable || !event.detail.total) return;
  bar.value = Math.round((100 * event.detail.loaded) / event.detail.total);
});
