// Renders the page's desired-vs-served cell (ui.js) for each view read from stdin, with a DOM stub of what ui.js calls,
// and prints the provider chips of each (null: none). Run by OperatorPageLanesTest: node lane-chips.cjs UI_JS < views.json
const vm = require('node:vm');
const fs = require('node:fs');
class Node {}
class Element extends Node {
  constructor(tag) { super(); this.tag = tag; this.children = []; this.attributes = {}; this.className = ''; }
  append(child) { this.children.push(child); }
  setAttribute(name, value) { this.attributes[name] = value; }
  addEventListener() {}
  get textContent() { return this.children.map(c => c.textContent).join(''); }
}
class Text extends Node { constructor(text) { super(); this.textContent = text; } }
const document = { createElement: t => new Element(t), createTextNode: t => new Text(t), addEventListener() {},
  getElementById() { return null; } };
const context = vm.createContext({ document, Node, sessionStorage: { getItem: () => null }, window: { addEventListener() {} },
  location: { hash: '' } });
vm.runInContext(fs.readFileSync(process.argv[2], 'utf8'), context);
const views = JSON.parse(fs.readFileSync(0, 'utf8'));
const all = node => node instanceof Element ? [node, ...node.children.flatMap(all)] : [];
const answer = views.map(view => {
  const parts = vm.runInContext('desiredVsServed', context)(view);
  const lanes = parts.flatMap(all).filter(e => e.className === 'lanes');
  return lanes.length === 0 ? null : lanes[0].children.filter(c => c instanceof Element)
    .map(c => ({ text: c.textContent, tone: c.className, title: c.attributes.title }));
});
console.log(JSON.stringify(answer));
