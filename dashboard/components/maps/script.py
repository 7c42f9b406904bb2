"""The browser side of the map component: its CSS and JavaScript (tooltip, highlight, keyboard walk)."""

from __future__ import annotations

COMPONENT_NAME = "bw_svg_map"
COMPONENT_CSS = """
.bw-map{position:relative}
.bw-map svg{display:block;width:100%;height:auto;max-height:var(--bw-map-max-h,78vh)}
.bw-map:focus-visible{outline:3px solid #0b1f44;outline-offset:2px}
.bw-map path.f:hover,.bw-map path.f.hl{stroke:#000;stroke-width:1.8}
.bw-map svg[data-link] path.f{cursor:pointer}
.bw-map .cmark:hover circle,.bw-map .cmark.hl circle{stroke:#000}
.bw-tip{position:absolute;z-index:10;pointer-events:none;max-width:24rem;background:#fff;color:#111;
  border:1px solid #444;border-radius:4px;padding:.4rem .6rem;font-size:.9rem;line-height:1.3;
  box-shadow:0 2px 8px rgba(0,0,0,.25);white-space:normal}
.bw-tip strong{display:block}
.bw-table{margin-top:.4rem}
.bw-table summary{cursor:pointer;font-size:.95rem;padding:.25rem 0}
.bw-table summary:focus-visible{outline:3px solid #0b1f44;outline-offset:2px}
.bw-table-box{max-height:22rem;overflow:auto;border:1px solid #d5d5d5;border-radius:4px}
.bw-table-box:focus-visible{outline:3px solid #0b1f44}
.bw-table table{border-collapse:collapse;width:100%;font-size:.875rem}
.bw-table caption{text-align:left;padding:.35rem .5rem;color:#333}
.bw-table th,.bw-table td{padding:.2rem .5rem;border-top:1px solid #e6e6e6;text-align:left}
.bw-table td,.bw-table thead th+th{text-align:right}
.bw-table thead th{position:sticky;top:0;background:#f3f3f3}
"""
COMPONENT_JS = r"""
function linesFor(el, svg) {
  if (el.dataset.tip) return el.dataset.tip.split('\n');
  const out = [el.dataset.name || ''];
  const unit = svg.dataset.unit || '';
  if (el.classList.contains('m')) out.push('geen data');
  else if (el.dataset.v) {
    out.push(el.dataset.v + (unit ? ' ' + unit : ''));
    if (el.dataset.r) out.push('positie ' + el.dataset.r + ' van ' + svg.dataset.of);
  }
  if (el.dataset.g) out.push('Regio: ' + el.dataset.g);
  if (svg.dataset.nl) out.push('Nederland: ' + svg.dataset.nl);
  if (svg.dataset.src) out.push(svg.dataset.src + (el.dataset.m ? ' (' + el.dataset.m + ')' : ''));
  return out;
}
function prepare(svg) {
  svg.querySelectorAll('path.f, [data-tip]').forEach((el) => {
    const t = el.querySelector(':scope > title');
    if (t) { el.dataset.name = t.textContent; t.remove(); }
  });
}
function setup(box) {
  const tip = box.querySelector('.bw-tip');
  let current = null;
  const svg = () => box.querySelector('svg');
  const hide = () => { tip.hidden = true; if (current) current.classList.remove('hl'); current = null; };
  const show = (el, x, y) => {
    if (current !== el) {
      if (current) current.classList.remove('hl');
      current = el; el.classList.add('hl');
      tip.replaceChildren(...linesFor(el, svg()).map((t, i) => {
        const d = document.createElement(i ? 'div' : 'strong'); d.textContent = t; return d; }));
    }
    tip.hidden = false;
    const r = box.getBoundingClientRect();
    let left = x - r.left + 14, top = y - r.top + 14;
    if (left + tip.offsetWidth > r.width) left = Math.max(0, x - r.left - tip.offsetWidth - 14);
    if (top + tip.offsetHeight > r.height) top = Math.max(0, y - r.top - tip.offsetHeight - 14);
    tip.style.left = left + 'px'; tip.style.top = top + 'px';
  };
  box.addEventListener('pointermove', (e) => {
    const el = e.target.closest && e.target.closest('path.f, [data-tip]');
    if (el && box.contains(el)) show(el, e.clientX, e.clientY); else hide();
  });
  const open = (el) => {  // the area's own page (a click, or Enter on the area walked to with the arrow keys)
    const link = svg() && svg().dataset.link;
    if (link && el && el.matches('path.f[data-k]')) window.location.assign(link + encodeURIComponent(el.dataset.k));
  };
  box.addEventListener('click', (e) => { open(e.target.closest && e.target.closest('path.f')); });
  box.addEventListener('pointerleave', hide);
  box.addEventListener('blur', hide);
  box.addEventListener('keydown', (e) => {
    const keys = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1};
    if (e.key === 'Escape') { hide(); return; }
    if (e.key === 'Enter' && current) { e.preventDefault(); open(current); return; }
    if (!(e.key in keys) || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault(); e.stopPropagation();
    const items = Array.from(svg().querySelectorAll('path.f, [data-tip]'));
    items.sort((a, b) => (+a.dataset.r || 1e9) - (+b.dataset.r || 1e9));
    if (!items.length) return;
    const i = items.indexOf(current);
    const next = items[(i < 0 ? (keys[e.key] > 0 ? 0 : items.length - 1) : i + keys[e.key] + items.length) % items.length];
    const rb = next.getBoundingClientRect();
    show(next, rb.left + rb.width / 2, rb.top + rb.height / 2);
  });
}
export default function (component) {
  const { data, parentElement } = component;
  const markup = typeof data === 'string' ? data : (data && data.svg) || '';
  if (data && data.notify) {  // tell the server once the map is painted (the frame after it is in the DOM)
    requestAnimationFrame(() => requestAnimationFrame(() => component.setTriggerValue('painted', true)));
  }
  let box = parentElement.querySelector(':scope > .bw-map');
  if (!box) {
    box = document.createElement('div');
    box.className = 'bw-map';
    box.innerHTML = '<div class="bw-svg"></div><div class="bw-tip" hidden aria-live="polite"></div>';
    parentElement.appendChild(box);
    setup(box);
  }
  if (box.__svg === markup) return;
  box.__svg = markup;
  box.querySelector('.bw-tip').hidden = true;
  box.querySelector('.bw-svg').innerHTML = markup;
  const svg = box.querySelector('svg');
  if (svg && svg.dataset.interactive === '1') {
    prepare(svg);
    box.tabIndex = 0;
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', (svg.getAttribute('aria-label') || 'Kaart') +
      ' Met de pijltjestoetsen loopt u de gebieden langs' + (svg.dataset.link ? ', Enter opent de pagina van het gebied' : '') +
      '; de tabel onder de kaart heeft dezelfde cijfers.');
  } else {
    box.removeAttribute('tabindex'); box.removeAttribute('role'); box.removeAttribute('aria-label');
  }
}
"""
