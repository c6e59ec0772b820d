// Renders the page's "Seen by clients" cell (ui.js convergence) for each convergence view read from stdin, with a DOM
// stub of what ui.js calls, and prints each one's providers' line (null: none) and its observers' rows. Run by
// OperatorPageProvidersTest: node observed-providers.cjs UI_JS < views.json
const { load, all, input } = require('./page-stub.cjs');
const page = load(process.argv[2]);
const answer = input().map(view => {
  const parts = page.call('convergence', view).flatMap(all);
  const providers = parts.filter(e => e.className === 'muted providers');
  return { providers: providers.length === 0 ? null : providers[0].textContent,
    observers: parts.filter(e => e.tag === 'li').map(e => e.textContent) };
});
console.log(JSON.stringify(answer));
