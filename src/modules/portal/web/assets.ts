import { createHash } from "node:crypto";

/**
 * The help center's only stylesheet and script, served from memory with a
 * content hash in the URL so they can be cached for a year. Mobile first:
 * one column, then a second from 48rem. No framework reaches the fan.
 */
export const CSS = `
:root{--brand:#4338ca;--on-brand:#fff;--text:#1f2328;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa;--radius:10px;--focus:#0969da}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Ubuntu,sans-serif;color:var(--text);background:#fff}
a{color:var(--brand)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:9}
.wrap{max-width:64rem;margin:0 auto;padding:0 1rem}
header.site{background:var(--brand);color:var(--on-brand)}
header.site .bar{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding-top:.75rem;padding-bottom:.75rem}
header.site a{color:var(--on-brand);text-decoration:none}
header.site .brand{display:flex;align-items:center;gap:.5rem;font-weight:700;font-size:1.1rem;margin-right:auto}
header.site .brand img{height:32px;width:auto;border-radius:4px;background:#fff}
header.site nav{display:flex;flex-wrap:wrap;gap:.25rem .75rem;font-size:.95rem}
header.site nav a,header.site nav button{padding:.35rem 0;text-decoration:underline;text-underline-offset:3px}
header.site nav button{background:none;border:0;color:var(--on-brand);font-weight:400;min-height:0;font-size:inherit}
.hero{background:var(--brand);color:var(--on-brand);padding:1rem 0 2rem}
.hero h1{margin:.25rem 0 1rem;font-size:1.6rem;line-height:1.25}
.search{position:relative}
.search form{display:flex;gap:.5rem}
.search input[type=search]{flex:1;min-width:0;font:inherit;padding:.75rem 1rem;border:1px solid var(--line);border-radius:var(--radius);color:var(--text)}
button,.button{font:inherit;font-weight:600;padding:.7rem 1.1rem;border:0;border-radius:var(--radius);background:var(--text);color:#fff;cursor:pointer;text-decoration:none;display:inline-block;min-height:44px}
.button.brand,button.brand{background:var(--brand);color:var(--on-brand)}
.button.quiet,button.quiet{background:#fff;color:var(--text);border:1px solid var(--line)}
.live{list-style:none;margin:.5rem 0 0;padding:0;background:#fff;border-radius:var(--radius);box-shadow:0 8px 24px rgba(0,0,0,.15);overflow:hidden}
.live:empty{display:none}
.live a{display:block;padding:.7rem 1rem;color:var(--text);text-decoration:none;border-top:1px solid var(--line)}
.live li:first-child a{border-top:0}
.live a:hover,.live a:focus{background:var(--bg)}
main{padding:1.5rem 0 3rem}
h1{font-size:1.6rem;line-height:1.25;margin:.25rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
.grid{display:grid;gap:1rem}
.card{border:1px solid var(--line);border-radius:var(--radius);padding:1rem}
.card h2{margin-top:0}
.card h3{font-size:1.05rem;margin:1rem 0 .25rem}
ul.articles{list-style:none;margin:0;padding:0}
ul.articles li{padding:.45rem 0;border-top:1px solid var(--line)}
ul.articles li:first-child{border-top:0}
.crumbs{font-size:.9rem;color:var(--muted);margin-bottom:.5rem}
.crumbs a{color:var(--muted)}
.meta{color:var(--muted);font-size:.9rem}
.notice{background:#fff8c5;border:1px solid #d4a72c;border-radius:var(--radius);padding:.75rem 1rem;margin:0 0 1rem}
.ok{background:#dafbe1;border-color:#4ac26b}
.error-summary{background:#ffebe9;border:1px solid #ff8182;border-radius:var(--radius);padding:.75rem 1rem;margin:0 0 1rem}
.body{overflow-wrap:anywhere}
.body img{max-width:100%;height:auto}
.body table{border-collapse:collapse;display:block;overflow-x:auto}
.body td,.body th{border:1px solid var(--line);padding:.4rem}
.feedback{margin-top:2rem;padding:1rem;background:var(--bg);border-radius:var(--radius)}
.feedback form{display:inline}
.feedback .choices{display:flex;gap:.5rem;flex-wrap:wrap;margin-top:.5rem}
.results li{padding:.75rem 0;border-top:1px solid var(--line);list-style:none}
.results{padding:0}
mark{background:#fff3b0;color:inherit;padding:0 .1em}
label{display:block;font-weight:600;margin:1rem 0 .3rem}
.hint{display:block;font-weight:400;color:var(--muted);font-size:.9rem}
input[type=text],input[type=email],input[type=url],input[type=date],input[type=number],select,textarea{width:100%;font:inherit;padding:.65rem .75rem;border:1px solid #8c959f;border-radius:8px;background:#fff;color:var(--text)}
textarea{min-height:8rem}
.field-error{color:#b3261e;font-weight:600;font-size:.9rem;margin:.25rem 0 0}
[aria-invalid=true]{border-color:#b3261e;border-width:2px}
.check{display:flex;gap:.5rem;align-items:center;font-weight:400}
.check input{width:1.2rem;height:1.2rem}
.actions{margin-top:1.5rem;display:flex;gap:.75rem;flex-wrap:wrap}
.suggest{border:1px solid var(--line);border-radius:var(--radius);padding:1rem;margin-top:1rem;background:var(--bg)}
.suggest[hidden]{display:none}
.suggest h2{margin:0 0 .25rem;font-size:1rem}
.conversation{list-style:none;padding:0;margin:0}
.conversation li{border:1px solid var(--line);border-radius:var(--radius);padding:.75rem 1rem;margin:0 0 .75rem}
.conversation li.agent{background:var(--bg)}
.conversation .who{font-weight:600}
.conversation li li{border:0;padding:.2rem 0;margin:0;background:none}
.conversation ul{padding-left:1.2rem;margin:.5rem 0 0}
.conversation .text{white-space:pre-wrap;overflow-wrap:anywhere}
.status{display:inline-block;padding:.1rem .55rem;border-radius:999px;font-size:.85rem;font-weight:600;background:#ddf4ff;color:#0a3069}
.status.solved,.status.closed,.status.approved{background:#dafbe1;color:#116329}
.status.changes_requested{background:#fff8c5;color:#7d4e00}
table.requests{width:100%;border-collapse:collapse}
table.requests th,table.requests td{text-align:left;padding:.6rem .4rem;border-top:1px solid var(--line);vertical-align:top}
.placeholder{border:1px dashed var(--line);border-radius:var(--radius);padding:1rem;color:var(--muted)}
footer.site{border-top:1px solid var(--line);padding:1.5rem 0;color:var(--muted);font-size:.9rem}
footer.site nav{display:flex;gap:1rem;flex-wrap:wrap}
@media (max-width:47.99rem){table.requests thead{display:none}table.requests td{display:block;border:0;padding:.15rem 0}table.requests tr{display:block;border-top:1px solid var(--line);padding:.6rem 0}}
@media (min-width:48rem){.hero h1{font-size:2rem}.grid.two{grid-template-columns:1fr 1fr}.grid.three{grid-template-columns:repeat(3,1fr)}.layout{display:grid;grid-template-columns:minmax(0,1fr) 18rem;gap:2rem}}
`;

/**
 * Search as you type (any input with data-live), suggestions beside the
 * request form (data-suggest): both fetch the search endpoint and render
 * links. Everything works without it; it only saves a page load.
 */
export const JS = `(function(){
"use strict";
function debounce(fn,ms){var t;return function(){var a=arguments;clearTimeout(t);t=setTimeout(function(){fn.apply(null,a)},ms)}}
function render(list,hits,journey){
  list.textContent="";
  hits.forEach(function(h){
    var li=document.createElement("li"),a=document.createElement("a");
    a.href=h.url+(journey?(h.url.indexOf("?")<0?"?":"&")+"journey="+encodeURIComponent(journey):"");
    a.textContent=h.title;
    if(h.summary){var s=document.createElement("span");s.className="hint";s.textContent=h.summary;a.appendChild(s)}
    li.appendChild(a);list.appendChild(li);
  });
}
function wire(input,list,box,journey){
  var endpoint=input.getAttribute("data-endpoint"),last="";
  var run=debounce(function(){
    var q=input.value.trim();if(q===last)return;last=q;
    if(q.length<3){render(list,[],journey);if(box)box.hidden=true;return}
    fetch(endpoint+"?q="+encodeURIComponent(q),{headers:{accept:"application/json"},credentials:"same-origin"})
      .then(function(r){return r.ok?r.json():{hits:[]}})
      .then(function(d){if(input.value.trim()!==q)return;render(list,d.hits||[],journey);if(box)box.hidden=!(d.hits&&d.hits.length);var live=document.getElementById(input.getAttribute("data-status"));if(live)live.textContent=d.status||""})
      .catch(function(){});
  },180);
  input.addEventListener("input",run);
}
document.querySelectorAll("input[data-live]").forEach(function(input){
  var list=document.getElementById(input.getAttribute("data-live"));if(list)wire(input,list,null,null);
});
document.querySelectorAll("input[data-suggest]").forEach(function(input){
  var box=document.getElementById(input.getAttribute("data-suggest"));if(!box)return;
  wire(input,box.querySelector("ul"),box,input.getAttribute("data-journey"));
});
})();`;

const hash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 12);
export const CSS_PATH = `/help/assets/help.${hash(CSS)}.css`;
export const JS_PATH = `/help/assets/help.${hash(JS)}.js`;

/** Text readable on the brand colour: black or white, whichever contrasts more (WCAG relative luminance). */
export function onColour(hex: string): string {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + i * 2, 3 + i * 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? "#000000" : "#ffffff";
}
