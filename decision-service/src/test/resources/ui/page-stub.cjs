// The page's script (ui.js) loaded into a context with a stub of the few DOM calls it makes, for the node scripts the
// page's tests run (lane-chips.cjs, observed-providers.cjs): load(UI_JS) gives the context, Element, and all(node), a
// node with every element below it.
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
function load(uiJs) {
  const document = { createElement: t => new Element(t), createTextNode: t => new Text(t), addEventListener() {},
    getElementById() { return null; } };
  const context = vm.createContext({ document, Node, sessionStorage: { getItem: () => null },
    window: { addEventListener() {} }, location: { hash: '' } });
  vm.runInContext(fs.readFileSync(uiJs, 'utf8'), context);
  return { call: (name, arg) => vm.runInContext(name, context)(arg) };
}
const all = node => node instanceof Element ? [node, ...node.children.flatMap(all)] : [];
const input = () => JSON.parse(fs.readFileSync(0, 'utf8'));
module.exports = { load, all, input, Element };
