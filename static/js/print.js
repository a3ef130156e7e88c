// "Print or save as PDF": a button only where a script can print (it stays hidden without one;
// every browser's own Print menu gives the same pages).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
