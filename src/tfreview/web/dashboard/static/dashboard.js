// tfreview dashboard: progressive enhancement only; every page reads and works without it.
// The upload form shows how much of the file has been sent, then follows the server's redirect.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-progress]");
    if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
    form.addEventListener("submit", function (event) {
      var bar = document.getElementById(form.getAttribute("data-progress"));
      var text = document.getElementById(form.getAttribute("data-progress") + "-text");
      var request = new XMLHttpRequest();
      event.preventDefault();
      bar.hidden = false;
      request.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var percent = Math.round((e.loaded / e.total) * 100);
          bar.value = percent;
          text.textContent = "Sent " + percent + "%";
        }
      });
      request.addEventListener("load", function () {
        text.textContent = "Uploaded; opening the review…";
        if (request.responseURL && request.status < 400) {
          window.location.assign(request.responseURL);
        } else {
          document.open();
          document.write(request.responseText);
          document.close();
        }
      });
      request.addEventListener("error", function () {
        text.textContent = "The upload failed: the connection was lost. Try again.";
      });
      request.open("POST", form.action);
      request.send(new FormData(form));
    });
  });
})();
