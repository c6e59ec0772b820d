// Renders the page's desired-vs-served cell (ui.js) for each view read from stdin, with a DOM stub of what ui.js calls,
// and prints the provider chips of each (null: none). Run by OperatorPageLanesTest: node lane-chips.cjs UI_JS < views.json
const { load, all, input, Element } = require('./page-stub.cjs');
const page = load(process.argv[2]);
const answer = input().map(view => {
  const lanes = page.call('desiredVsServed', view).flatMap(all).filter(e => e.className === 'lanes');
  return lanes.length === 0 ? null : lanes[0].children.filter(c => c instanceof Element)
    .map(c => ({ text: c.textContent, tone: c.className, title: c.attributes.title }));
});
console.log(JSON.stringify(answer));
