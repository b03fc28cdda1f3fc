// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The stacks as a flame graph (lib/stack.h): one self-contained SVG file,
 * its script inside, no network. The stacks are merged into a tree by
 * frame name, root (all) at the bottom, each process's name above it, then
 * its user frames outermost first, then its kernel frames; a frame's width
 * is its share of the total. A click zooms into a frame, "Search" marks
 * the frames whose name matches a regular expression and says what share
 * of the total they hold, "Reset zoom" goes back; a link's #z=NAME and
 * #s=REGEX do the same. Frames narrower than a tenth of a pixel are left
 * out. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "lib/cgroup.h"
#include "lib/log.h"
#include "lib/stack.h"

enum kind { K_ROOT, K_CGROUP, K_COMM, K_USER, K_KERNEL, K_UNKNOWN };

struct fnode {
	char *name; /* escaped as text is (stack_frame_name) */
	uint64_t value;
	uint32_t child, sibling; /* first child, next sibling; 0: none */
	uint8_t kind;
};

struct flame {
	struct fnode *n;
	size_t len, cap;
	uint32_t depth; /* of the deepest frame */
	bool oom;
};

#define SVG_WIDTH 1200
#define SVG_FRAME_H 16
#define SVG_TOP 56    /* the title and the buttons */
#define SVG_BOTTOM 28 /* the line that names the frame under the pointer */

/* The child of parent named name (taken), made if need be. */
static uint32_t child_of(struct flame *fl, uint32_t parent, char *name, uint8_t kind)
{
	uint32_t c, last = 0;

	for (c = fl->n[parent].child; c; last = c, c = fl->n[c].sibling) {
		if (fl->n[c].kind == kind && !strcmp(fl->n[c].name, name)) {
			free(name);
			return c;
		}
	}
	if (fl->len >= UINT32_MAX ||
	    sym_grow((void **)&fl->n, &fl->cap, fl->len + 1, sizeof(*fl->n))) {
		free(name);
		fl->oom = true;
		return 0;
	}
	fl->n[fl->len] = (struct fnode){ name, 0, 0, 0, kind };
	if (last)
		fl->n[last].sibling = fl->len;
	else
		fl->n[parent].child = fl->len;
	return fl->len++;
}

/* What fn writes, as a string of its own; NULL without memory. */
static char *name_of(void (*fn)(FILE *, const void *), const void *arg)
{
	char *s = NULL;
	size_t len;
	FILE *m = open_memstream(&s, &len);

	if (!m)
		return NULL;
	fn(m, arg);
	if (fclose(m)) {
		free(s);
		return NULL;
	}
	return s;
}

static void write_frame(FILE *f, const void *fr)
{
	stack_frame_name(f, fr);
}

static void write_comm(FILE *f, const void *k)
{
	stack_name_str(f, ((const struct stack_key *)k)->comm, TASK_COMM_LEN);
}

static void write_cgroup(FILE *f, const void *k)
{
	uint64_t id = ((const struct stack_key *)k)->cgroup_id;
	const char *path = cgroup_path_of(id);

	if (path)
		stack_name_str(f, path, strlen(path));
	else
		fprintf(f, "%" PRIu64, id);
}

/* One step down the row's path, adding its total. */
static uint32_t step(struct flame *fl, uint32_t at, char *name, uint8_t kind, uint64_t v,
		     uint32_t depth)
{
	if (!name || fl->oom) {
		free(name);
		fl->oom = true;
		return 0;
	}
	at = child_of(fl, at, name, kind);
	if (!fl->oom) {
		fl->n[at].value += v;
		fl->depth = depth > fl->depth ? depth : fl->depth;
	}
	return at;
}

static void add_row(struct flame *fl, const struct stack_out *so, const struct stack_row *r)
{
	uint32_t at = 0, d = 0;

	fl->n[0].value += r->total;
	if (so->cfg->opts->by_cgroup)
		at = step(fl, at, name_of(write_cgroup, &r->key), K_CGROUP, r->total, ++d);
	at = step(fl, at, name_of(write_comm, &r->key), K_COMM, r->total, ++d);
	for (uint32_t i = r->nuser; i-- > 0 && !fl->oom;) {
		const struct sym_frame *fr = &r->frames[r->nkernel + i];

		at = step(fl, at, name_of(write_frame, fr), fr->sym ? K_USER : K_UNKNOWN, r->total,
			  ++d);
	}
	for (uint32_t i = r->nkernel; i-- > 0 && !fl->oom;)
		at = step(fl, at, name_of(write_frame, &r->frames[i]), K_KERNEL, r->total, ++d);
}

/* Text fit for an XML attribute or element (it is already printable
 * ASCII, escaped as text is). */
static void xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		const char *e = *s == '&'   ? "&amp;"
				: *s == '<' ? "&lt;"
				: *s == '>' ? "&gt;"
				: *s == '"' ? "&quot;"
					    : NULL;

		if (e)
			fputs(e, f);
		else
			putc(*s, f);
	}
}

/* A color from the name, in the kind's family: user code red, the
 * kernel's yellow-orange, processes and cgroups grey-blue, unknown grey. */
static void color(FILE *f, const struct fnode *n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned r, g, b;

	for (const char *s = n->name; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	switch (n->kind) {
	case K_KERNEL:
		r = 225 + h % 30, g = 155 + (h >> 8) % 50, b = 40 + (h >> 16) % 40;
		break;
	case K_USER:
		r = 205 + h % 50, g = (h >> 8) % 120, b = (h >> 16) % 50;
		break;
	case K_UNKNOWN:
		r = g = b = 170 + h % 30;
		break;
	default:
		r = 160 + h % 20, g = 170 + (h >> 8) % 20, b = 200 + (h >> 16) % 40;
		break;
	}
	fprintf(f, "rgb(%u,%u,%u)", r, g, b);
}

struct layout {
	FILE *f;
	const struct stack_out *so;
	const char *unit; /* "samples", "microseconds" */
	uint64_t total;
	uint32_t height;
};

/* The part of a frame's name that fits w pixels (7 a character), as the
 * script fits it again after a zoom: viewers without scripts show it. */
static void label(FILE *f, const char *name, double w)
{
	int fits = (int)((w - 6) / 7);
	size_t len = strlen(name);
	char *cut;

	if (fits < 3)
		return;
	if (len <= (size_t)fits) {
		xml(f, name);
		return;
	}
	cut = strndup(name, fits - 2);
	if (cut)
		xml(f, cut);
	free(cut);
	fputs("..", f);
}

/* Node i at depth d, from x (in the total's units), and its children;
 * those narrower than a tenth of a pixel are left out. */
static void emit(const struct flame *fl, const struct layout *l, uint32_t i, uint32_t d, uint64_t x)
{
	const struct fnode *n = &fl->n[i];
	double px = (double)x * SVG_WIDTH / l->total, pw = (double)n->value * SVG_WIDTH / l->total;
	uint32_t y = l->height - SVG_BOTTOM - (d + 1) * SVG_FRAME_H;

	if (pw < 0.1)
		return;
	fprintf(l->f,
		"<g class=\"f\" data-x=\"%" PRIu64 "\" data-w=\"%" PRIu64
		"\" data-d=\"%u\" data-n=\"",
		x, n->value, d);
	xml(l->f, n->name);
	fprintf(l->f, "\"><title>");
	xml(l->f, n->name);
	fprintf(l->f,
		" (%" PRIu64 " %s, %.2f%%)</title><rect x=\"%.2f\" y=\"%u\" width=\"%.2f\" "
		"height=\"%u\" fill=\"",
		n->value, l->unit, 100.0 * n->value / l->total, px, y, pw, SVG_FRAME_H - 1);
	color(l->f, n);
	fprintf(l->f, "\"/><text x=\"%.2f\" y=\"%u\">", px + 3, y + SVG_FRAME_H - 4);
	label(l->f, n->name, pw);
	fputs("</text></g>\n", l->f);
	for (uint32_t c = n->child; c; c = fl->n[c].sibling) {
		emit(fl, l, c, d + 1, x);
		x += fl->n[c].value;
	}
}

/* The script: zoom, search, reset, and the names that fit their frames.
 * Frames carry their place in the total's units (data-x, data-w) and
 * depth (data-d); it lays them out again on each zoom. */
static const char script[] =
    "var frames=[].slice.call(document.querySelectorAll('g.f')),"
    "zx=0,zw=0,zd=0,re=null;\n"
    "function fit(g,w){var n=g.getAttribute('data-n'),c=Math.floor((w-6)/7),"
    "t=g.querySelector('text');t.textContent=c<3?'':n.length<=c?n:n.slice(0,c-2)+'..';}\n"
    "function place(x0,w0,d0){zx=x0;zw=w0;zd=d0;frames.forEach(function(g){"
    "var x=+g.getAttribute('data-x'),w=+g.getAttribute('data-w'),d=+g.getAttribute('data-d'),"
    "r=g.querySelector('rect'),t=g.querySelector('text'),nx,nw;"
    "if(d<d0){if(x<=x0&&x+w>=x0+w0){nx=0;nw=W;g.style.opacity=0.6;}else{nw=0;}}"
    "else if(x>=x0&&x+w<=x0+w0){nx=(x-x0)*W/w0;nw=w*W/w0;g.style.opacity=1;}else{nw=0;}"
    "g.style.display=nw>0.1?'':'none';if(nw>0.1){r.setAttribute('x',nx);"
    "r.setAttribute('width',nw);t.setAttribute('x',nx+3);fit(g,nw);}});}\n"
    "function zoom(g){place(+g.getAttribute('data-x'),+g.getAttribute('data-w'),"
    "+g.getAttribute('data-d'));}\n"
    "function mark(){var spans=[],sum=0,end=-1;frames.forEach(function(g){"
    "var r=g.querySelector('rect'),on=re&&re.test(g.getAttribute('data-n'));"
    "if(!r.hasAttribute('data-fill'))r.setAttribute('data-fill',r.getAttribute('fill'));"
    "r.setAttribute('fill',on?'rgb(230,0,230)':r.getAttribute('data-fill'));"
    "if(on)spans.push([+g.getAttribute('data-x'),+g.getAttribute('data-w')]);});"
    "spans.sort(function(a,b){return a[0]-b[0]||b[1]-a[1];});"
    "spans.forEach(function(s){if(s[0]>=end){sum+=s[1];end=s[0]+s[1];}});"
    "document.getElementById('matched').textContent=re?'Matched: '+"
    "(100*sum/TOTAL).toFixed(1)+'%':'';}\n"
    "function search(){var s=prompt('Search for frames matching (a regular expression)',"
    "re?re.source:'');if(s===null)return;try{re=s?new RegExp(s):null;}catch(e){re=null;}"
    "mark();}\n"
    "frames.forEach(function(g){g.addEventListener('click',function(){zoom(g);});"
    "g.addEventListener('mouseover',function(){document.getElementById('details')"
    ".textContent=g.querySelector('title').textContent;});});\n"
    "document.getElementById('search').addEventListener('click',search);\n"
    "document.getElementById('reset').addEventListener('click',function(){place(0,TOTAL,0);});\n"
    "document.addEventListener('keydown',function(e){if((e.ctrlKey||e.metaKey)&&e.key=='f')"
    "{e.preventDefault();search();}});\n"
    "place(0,TOTAL,0);\n"
    /* A link can say what to show: #z=NAME zooms into the widest frame of
     * that name, #s=REGEX searches; joined by &. */
    "decodeURIComponent(location.hash.slice(1)).split('&').forEach(function(kv){"
    "var i=kv.indexOf('='),k=kv.slice(0,i),v=kv.slice(i+1),best=null;if(k=='z'){"
    "frames.forEach(function(g){if(g.getAttribute('data-n')==v&&(!best||"
    "+g.getAttribute('data-w')>+best.getAttribute('data-w')))best=g;});if(best)zoom(best);}"
    "if(k=='s'){try{re=new RegExp(v);}catch(e){re=null;}mark();}});\n";

static void header(const struct layout *l, const char *title)
{
	FILE *f = l->f;

	fprintf(f,
		"<?xml version=\"1.0\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%u\" viewBox=\"0 0 %d %u\" font-family=\"monospace\" font-size=\"12\">\n"
		"<style>g.f:hover rect{stroke:black;stroke-width:0.5}g.f{cursor:pointer}"
		"text{fill:black;pointer-events:none}.b{cursor:pointer;fill:#114}</style>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#f8f8f0\"/>\n"
		"<text x=\"%d\" y=\"20\" text-anchor=\"middle\" font-size=\"16\">",
		SVG_WIDTH, l->height, SVG_WIDTH, l->height, SVG_WIDTH / 2);
	xml(f, title);
	fprintf(f,
		"</text>\n<text id=\"reset\" class=\"b\" x=\"4\" y=\"44\">Reset zoom</text>\n"
		"<text id=\"search\" class=\"b\" x=\"%d\" y=\"44\" text-anchor=\"end\">Search "
		"(Ctrl-F)</text>\n<text id=\"matched\" x=\"%d\" y=\"%u\" text-anchor=\"end\">"
		"</text>\n<text id=\"details\" x=\"4\" y=\"%u\"></text>\n",
		SVG_WIDTH - 4, SVG_WIDTH - 4, l->height - 8, l->height - 8);
}

static void footer(const struct layout *l)
{
	fprintf(l->f, "<script><![CDATA[\nvar TOTAL=%" PRIu64 ",W=%d;\n%s]]></script>\n</svg>\n",
		l->total ? l->total : 1, SVG_WIDTH, script);
}

int stack_svg_write(const struct stack_out *so, const struct stack_row *rows, size_t n)
{
	struct flame fl = { 0 };
	const struct stack_cfg *cfg = so->cfg;
	/* A count is of samples; other units name themselves. */
	struct layout l = { so->f, so,
			    strcmp(cfg->sample_unit, "count") ? cfg->sample_unit : cfg->sample_type,
			    0, 0 };
	char title[128];
	int err = 0;

	if (sym_grow((void **)&fl.n, &fl.cap, 1, sizeof(*fl.n)))
		return -ENOMEM;
	fl.n[0] = (struct fnode){ strdup("all"), 0, 0, 0, K_ROOT };
	fl.len = 1;
	fl.oom = !fl.n[0].name;
	for (size_t i = 0; i < n && !fl.oom; i++)
		add_row(&fl, so, &rows[i]);
	if (fl.oom) {
		err = -ENOMEM;
		goto out;
	}
	l.total = fl.n[0].value;
	l.height = SVG_TOP + (fl.depth + 1) * SVG_FRAME_H + SVG_BOTTOM;
	snprintf(title, sizeof(title), "%s: %" PRIu64 " %s in %zu stacks", log_tool(), l.total,
		 l.unit, n);
	header(&l, title);
	if (l.total)
		emit(&fl, &l, 0, 0, 0);
	footer(&l);
	err = ferror(so->f) ? -EIO : 0;
out:
	for (size_t i = 0; i < fl.len; i++)
		free(fl.n[i].name);
	free(fl.n);
	return err;
}
