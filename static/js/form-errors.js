/* After a failed submit (issue 15, RGAA 11.10 / WCAG 3.3.1): focus goes to the form's error
   summary (role=alert, tabindex=-1, rendered by {% form_error_summary %}), which lists each error
   with a link to its field; without a summary, to the first field in error (aria-invalid=true).
   This wins over a form's autofocus on its first field. Static file: no inline script (CSP). */
(function () {
  "use strict";
  function focusFirstError() {
    var target = document.querySelector("[data-testid=error-summary]") ||
      document.querySelector("form [aria-invalid=true]");
    if (!target) { return; }
    target.focus();
    if (target.scrollIntoView) { target.scrollIntoView({ block: "center" }); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", focusFirstError); }
  else { focusFirstError(); }
})();
