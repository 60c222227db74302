/* page.js -- the player of a micrograd-c page.
 *
 * Everything it shows was computed by the library and sits in the JSON of
 * #mg-data: the step list (forward lines, chain-rule lines, updates,
 * losses), which step makes each value appear and each gradient final,
 * and each node's local derivatives and explanation.  This script only
 * decides what is visible at the current step, and answers keys, buttons,
 * clicks, dragging, the wheel and the quiz.  No network, no libraries. */
(function () {
  'use strict';

  var D = JSON.parse(document.getElementById('mg-data').textContent);
  var T = D.t, n = D.n, steps = D.steps, last = steps.length - 1;
  var view = document.getElementById('view');
  var svg = document.getElementById('graph');
  var world = document.getElementById('world');
  var side = document.getElementById('details');

  /* ------------------------------------------------------------ the nodes */

  var nodes = [], baseClass = [], shownClass = [], dataText = [], gradText = [], dataFirst = [];
  var group = [], hidden = [], solved = [];   /* solved[i]: false, 'right' or 'shown' */
  for (var i = 0; i < n; i++) {
    var g = document.getElementById('n' + i);
    nodes.push(g);
    baseClass.push(g.getAttribute('class'));
    shownClass.push(null);
    dataText.push(g.querySelector('.dat .v'));
    gradText.push(g.querySelector('.grd .v'));
    dataFirst.push(dataText[i].textContent);
    group.push(+(g.getAttribute('data-grp') || 0));
    hidden.push(false);
    solved.push(false);
  }
  var edges = [];
  for (var e = 0; e < D.ein[n]; e++) edges.push(document.getElementById('e' + e));

  var clusterParent = {}, covers = {};
  Array.prototype.forEach.call(document.querySelectorAll('.mg-graph .cluster'), function (c) {
    clusterParent[c.getAttribute('data-group')] = c.getAttribute('data-parent');
  });
  Array.prototype.forEach.call(document.querySelectorAll('.mg-graph .cover'), function (c) {
    covers[c.getAttribute('data-group')] = c;
  });

  function nodeName(i) {
    var label = nodes[i].getAttribute('data-label');
    return label ? label : '#' + nodes[i].getAttribute('data-id');
  }

  /* "dname", in parentheses unless the name is one word, as the traces write it */
  function dname(i) {
    var name = nodeName(i);
    return /^[A-Za-z0-9_.#]+$/.test(name) ? 'd' + name : 'd(' + name + ')';
  }

  /* ------------------------------------------------------------ stepping */

  var cur = -1, hot = [], selected = -1;

  function phase(k) {
    if (k === 'f') return T.forward;
    if (k === 'r' || k === 'b') return T.backward;
    if (k === 'u') return T.update;
    if (k === 'l') return T.training;
    return T.ready;
  }

  /* The classes node i has at the current step. */
  function stateOf(i, st) {
    var s = '';
    if (D.fwd[i] <= cur) s += ' hasdata';
    if ((D.fin[i] >= 0 && D.fin[i] <= cur) || solved[i]) s += ' hasgrad';
    if (D.upd[i] >= 0 && D.upd[i] <= cur) s += ' upd';
    if (st.n === i) s += st.k === 'f' ? ' cur fw' : st.k === 'u' ? ' cur up' : ' cur bw';
    if (st.k === 'b' && st.c === i) s += ' src';
    if (i === selected) s += ' sel';
    if (hidden[i]) s += ' hid';
    return s;
  }

  function render() {
    var st = steps[cur];
    for (var i = 0; i < n; i++) {
      var s = stateOf(i, st);
      if (s === shownClass[i]) continue;   /* touch the page only where it changes */
      shownClass[i] = s;
      nodes[i].setAttribute('class', baseClass[i] + s);
      dataText[i].textContent = s.indexOf(' upd') >= 0 ? D.nv[i] : dataFirst[i];
      if (gradText[i] && D.quiz) gradText[i].textContent = solved[i] ? D.gs[i] : '?';
    }
    hot.forEach(function (e) { e.setAttribute('class', 'edge'); });
    hot = [];
    if (st.k === 'f') {
      for (var e = D.ein[st.n]; e < D.ein[st.n + 1]; e++) hot.push(edges[e]);
      hot.forEach(function (e) { e.setAttribute('class', 'edge fhot'); });
    } else if (st.k === 'b') {
      hot.push(edges[st.e]);
      edges[st.e].setAttribute('class', 'edge hot');
    }
    document.getElementById('phase').textContent = phase(st.k) + ':';
    document.getElementById('steptext').textContent = st.k === 's' ? T.start : st.x;
    document.getElementById('counter').textContent =
      T.stepof.replace('%1', String(cur)).replace('%2', String(last));
    var dot = document.getElementById('curve-dot');
    if (dot) {
      dot.setAttribute('class', st.k === 'l' ? 'on' : '');
      if (st.k === 'l') {
        dot.setAttribute('cx', st.px);
        dot.setAttribute('cy', st.py);
      }
    }
  }

  function go(s) {
    s = Math.max(0, Math.min(last, s));
    if (s === cur) return;
    cur = s;
    render();
    if (selected >= 0) details(selected);
    var st = steps[cur];
    if (st.n >= 0) follow(st.n);
  }

  /* ------------------------------------------------------ pan and zoom */

  var box = svg.viewBox.baseVal, W = box.width, H = box.height;
  var zoom = 1, tx = 0, ty = 0;
  svg.removeAttribute('viewBox');
  svg.removeAttribute('width');
  svg.removeAttribute('height');

  function place() {
    world.setAttribute('transform', 'translate(' + tx + ' ' + ty + ') scale(' + zoom + ')');
  }

  function fit() {
    var w = view.clientWidth, h = view.clientHeight;
    zoom = Math.min(w / W, h / H, 1.6);
    tx = (w - W * zoom) / 2;
    ty = (h - H * zoom) / 2;
    place();
  }

  /* zoom by f keeping the point (x, y) of the view where it is */
  function zoomAt(f, x, y) {
    var z = Math.max(0.02, Math.min(8, zoom * f));
    tx = x - (x - tx) * (z / zoom);
    ty = y - (y - ty) * (z / zoom);
    zoom = z;
    place();
  }

  /* bring node i into the view when it is outside; the first step from a
   * picture too small to read zooms in to reading size (once: a zoom by
   * hand is respected from then on) */
  var autoZoom = true;
  function follow(i) {
    if (hidden[i]) return;
    var r = nodes[i].getBoundingClientRect(), v = view.getBoundingClientRect();
    if (autoZoom && zoom < 0.75) {
      autoZoom = false;
      zoomAt(1 / zoom, r.left + r.width / 2 - v.left, r.top + r.height / 2 - v.top);
      r = nodes[i].getBoundingClientRect();
    }
    if (r.left >= v.left && r.right <= v.right && r.top >= v.top && r.bottom <= v.bottom) return;
    tx += (v.left + v.width / 2) - (r.left + r.width / 2);
    ty += (v.top + v.height / 2) - (r.top + r.height / 2);
    place();
  }

  view.addEventListener('wheel', function (ev) {
    ev.preventDefault();
    autoZoom = false;
    var v = view.getBoundingClientRect();
    zoomAt(ev.deltaY < 0 ? 1.15 : 1 / 1.15, ev.clientX - v.left, ev.clientY - v.top);
  }, { passive: false });

  var drag = null;
  view.addEventListener('pointerdown', function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, moved: false, target: ev.target };
    view.setPointerCapture(ev.pointerId);
  });
  view.addEventListener('pointermove', function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 5) return;
    drag.moved = true;
    view.classList.add('drag');
    tx += dx;
    ty += dy;
    drag.x = ev.clientX;
    drag.y = ev.clientY;
    place();
  });
  view.addEventListener('pointerup', function () {
    if (!drag) return;
    var d = drag;
    drag = null;
    view.classList.remove('drag');
    if (!d.moved) clicked(d.target);
  });

  /* ------------------------------------------------------------ clusters */

  function folded(g) {   /* g or one of its ancestors is folded */
    for (; g && g !== '0'; g = clusterParent[g]) if (covers[g] && covers[g].folded) return true;
    return false;
  }

  function toggle(g) {
    covers[g].folded = !covers[g].folded;
    Object.keys(covers).forEach(function (c) {
      var on = covers[c].folded && !folded(clusterParent[c]);
      covers[c].setAttribute('class', on ? 'cover on' : 'cover');
    });
    for (var i = 0; i < n; i++) hidden[i] = group[i] ? folded(String(group[i])) : false;
    render();
  }

  function clicked(target) {
    var node = target.closest ? target.closest('.node') : null;
    var cluster = target.closest ? target.closest('.cluster, .cover') : null;
    if (node) select(+node.id.slice(1));
    else if (cluster && (target.tagName === 'text' || cluster.classList.contains('cover')))
      toggle(cluster.getAttribute('data-group'));
  }

  /* ------------------------------------------------------------ details */

  function el(tag, cls, text) {
    var x = document.createElement(tag);
    if (cls) x.className = cls;
    if (text !== undefined) x.textContent = text;
    return x;
  }

  function select(i) {
    selected = i;
    shownClass = shownClass.map(function () { return null; });
    render();
    if (i >= 0) details(i);
  }

  function details(i) {
    var known = D.fwd[i] <= cur, final = D.fin[i] >= 0 && D.fin[i] <= cur;
    var op = nodes[i].getAttribute('data-op'), arity = D.ein[i + 1] - D.ein[i];
    side.textContent = '';
    side.appendChild(el('h2', '', nodeName(i)));
    var dl = el('dl');
    dl.appendChild(el('dt', '', T.op));
    dl.appendChild(el('dd', '', op === 'leaf' ? T.leaf : op));
    dl.appendChild(el('dt', '', T.value));
    dl.appendChild(el('dd', 'val', known ? D.dd[i] : T.notyet));
    if (!D.noGrad) {
      dl.appendChild(el('dt', '', T.grad));
      var shown = D.quiz ? solved[i] : final;
      dl.appendChild(el('dd', 'grad', shown ? D.gd[i] : D.quiz ? '?' : T.notfinal));
    }
    side.appendChild(dl);
    if (D.quiz && !solved[i]) quiz(i);
    if (D.quiz && solved[i] === 'right') {
      var v = el('p', 'right', T.right);
      v.id = 'verdict';
      side.appendChild(v);
    }
    if (arity > 0) {
      side.appendChild(el('h3', '', T.local));
      side.appendChild(el('pre', '', D.loc[i]));
    }
    if (!D.noGrad && (!D.quiz || solved[i])) {
      side.appendChild(el('h3', '', T.paths));
      side.appendChild(el('pre', 'explain', D.ex[i] === null ? T.noexplain : D.ex[i]));
    }
  }

  /* ---------------------------------------------------------------- quiz */

  /* Is `typed` the gradient `truth`?  Right when it agrees to the digits
   * typed (0.08 for 0.0821...), or within 1e-3 relative.  A comma works
   * as the decimal point. */
  function judge(typed, truth) {
    var m = /^\s*([+-]?)(\d*)(?:[.,](\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(typed);
    if (!m || (m[2] + (m[3] || '')).length === 0) return null;
    var x = parseFloat(m[1] + (m[2] || '0') + '.' + (m[3] || '0') + 'e' + (m[4] || '0'));
    if (truth === null) return false;
    var tol = 0.5 * Math.pow(10, +(m[4] || 0) - (m[3] || '').length);
    var diff = Math.abs(x - truth);
    return diff <= tol * (1 + 1e-9) || diff <= 1e-3 * Math.abs(truth);
  }

  function quiz(i) {
    var box = el('div');
    box.id = 'quiz';
    box.appendChild(el('p', '', T.quizask));
    box.appendChild(el('p', 'ask', dname(D.root) + '/' + dname(i) + ' = ?'));
    var input = el('input');
    input.type = 'text';
    input.setAttribute('inputmode', 'decimal');
    input.id = 'answer';
    var check = el('button', '', T.check), show = el('button', '', T.show);
    check.id = 'check';
    show.id = 'show';
    var verdict = el('p', '');
    verdict.id = 'verdict';
    box.appendChild(input);
    box.appendChild(el('br'));
    box.appendChild(check);
    box.appendChild(show);
    box.appendChild(verdict);
    side.appendChild(box);
    /* how: 'right' (answered) or 'shown' (the answer was asked for) */
    function reveal(how) {
      solved[i] = how;
      shownClass[i] = null;
      render();
      details(i);
    }
    function answer() {
      var r = judge(input.value, D.gv[i]);
      if (r) return reveal('right');
      verdict.className = 'wrong';
      verdict.textContent = r === null ? T.nonum : T.wrong;
    }
    check.addEventListener('click', answer);
    input.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter') answer();
    });
    show.addEventListener('click', function () { reveal('shown'); });
    input.focus();
  }

  /* ------------------------------------------------------ keys, buttons */

  document.addEventListener('keydown', function (ev) {
    var t = ev.target.tagName;
    if (t === 'INPUT' || t === 'TEXTAREA' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var k = ev.key;
    if (k === 'ArrowRight' || k === ' ' || k === 'PageDown') go(cur + 1);
    else if (k === 'ArrowLeft' || k === 'Backspace' || k === 'PageUp') go(cur - 1);
    else if (k === 'Home') go(0);
    else if (k === 'End') go(last);
    else if (k === '+' || k === '=') zoomAt(1.25, view.clientWidth / 2, view.clientHeight / 2);
    else if (k === '-') zoomAt(0.8, view.clientWidth / 2, view.clientHeight / 2);
    else if (k === '0') fit();
    else if (k === 'Escape') select(-1);
    else return;
    ev.preventDefault();
  });

  function button(id, action) {
    document.getElementById(id).addEventListener('click', function () {
      action();
      this.blur();   /* so that space steps instead of pressing the button again */
    });
  }
  button('b-home', function () { go(0); });
  button('b-prev', function () { go(cur - 1); });
  button('b-next', function () { go(cur + 1); });
  button('b-end', function () { go(last); });
  button('b-in', function () { autoZoom = false; zoomAt(1.25, view.clientWidth / 2, view.clientHeight / 2); });
  button('b-out', function () { autoZoom = false; zoomAt(0.8, view.clientWidth / 2, view.clientHeight / 2); });
  button('b-fit', function () { autoZoom = false; fit(); });

  /* --------------------------------------------------------------- start */

  document.body.classList.add('js');
  fit();
  /* #s=12 opens at step 12, #node=3 with node 3 explained (for links) */
  var want = /[#&]s=(\d+)/.exec(location.hash), pick = /[#&]node=(\d+)/.exec(location.hash);
  go(want ? +want[1] : D.quiz ? last : 0);   /* a worksheet opens with every value */
  if (pick && +pick[1] < n) select(+pick[1]);
  window.addEventListener('resize', fit);
  window.mgPlayer = { go: go, step: function () { return cur; }, last: last, select: select };
})();
