/** Inline CSS and client script for the chat simulator page (no external assets). */

export const SIM_CSS = `
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{font:15px/1.5 -apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;background:#dfe3e8;color:#1f2329}
#app{display:flex;flex-direction:column;height:100vh;height:100dvh;max-width:860px;margin:0 auto;background:#f2f3f5}
header{background:#2b5fd9;color:#fff;padding:8px 10px;display:flex;flex-wrap:wrap;gap:6px 8px;align-items:center}
header h1{font-size:16px;margin:0 6px 0 0;white-space:nowrap}
header label{display:flex;align-items:center;gap:4px;font-size:13px;flex:1 1 200px;min-width:0}
header select{flex:1;min-width:0;font-size:14px;padding:5px 4px;border-radius:6px;border:0;background:#fff;color:#1f2329}
#conn{font-size:12px;opacity:.85;white-space:nowrap}
#title{padding:6px 12px;font-size:13px;color:#646a73;background:#fff;border-bottom:1px solid #e5e6eb;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
#messages{flex:1;overflow-y:auto;padding:10px 10px 16px;-webkit-overflow-scrolling:touch}
.msg{display:flex;gap:8px;margin:10px 0;align-items:flex-start}
.msg .av{flex:none;width:36px;height:36px;border-radius:6px;background:#7b8aa5;color:#fff;display:flex;align-items:center;justify-content:center;font-size:15px}
.msg.bot .av,.msg.push .av{background:#2b5fd9}
.msg .col{min-width:0;max-width:min(78%,600px);display:flex;flex-direction:column}
.msg .meta{font-size:12px;color:#8f959e;margin:0 2px 2px}
.msg .bub{background:#fff;border-radius:8px;padding:8px 11px;word-break:break-word;box-shadow:0 1px 1px rgba(0,0,0,.05)}
.msg.me{flex-direction:row-reverse}
.msg.peer .av{background:#7a8691}
#at-bot{display:flex;align-items:center;gap:2px;font-size:13px;color:#2b5fd9;white-space:nowrap}
#dashboard-link{margin-left:auto;font-size:13px}
.msg.me .col{align-items:flex-end}
.msg.me .bub{background:#cde4ff;white-space:pre-wrap}
.msg.push .bub{border-left:3px solid #2b5fd9}
.msg .bub .q{color:#646a73;border-left:3px solid #d0d3d6;padding-left:7px;margin:2px 0}
.msg .bub .ment{color:#2b5fd9;font-size:13px;margin-top:4px}
.msg .bub .btns{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}.msg .bub .btns button{border:1px solid #2b5fd9;background:#fff;color:#2b5fd9;border-radius:4px;padding:3px 12px;font-size:13px;cursor:pointer}
.msg .bub img{width:72px;height:72px;object-fit:cover;border-radius:4px;margin:4px 4px 0 0;vertical-align:top;background:#e5e6eb}
.c-info{color:#19a15f}.c-warning{color:#e8760b}.c-comment{color:#8f959e}
.sys{text-align:center;font-size:12px;color:#8f959e;margin:8px 0}
.sys.err{color:#d83931;font-size:13px}
#hints{display:flex;gap:6px;overflow-x:auto;padding:6px 8px;background:#f7f8fa;border-top:1px solid #e5e6eb;white-space:nowrap}
#hints span{font-size:12px;color:#646a73;flex:none;align-self:center}
#hints button{flex:none;border:1px solid #d0d3d6;background:#fff;border-radius:14px;padding:3px 10px;font-size:13px;color:#1f2329;cursor:pointer}
#thumbs{display:flex;gap:6px;flex-wrap:wrap;padding:0 8px;background:#fff}
#thumbs:not(:empty){padding:6px 8px}
#thumbs div{position:relative}
#thumbs img{width:56px;height:56px;object-fit:cover;border-radius:4px;display:block}
#thumbs button{position:absolute;top:-6px;right:-6px;width:20px;height:20px;border-radius:10px;border:0;background:#d83931;color:#fff;font-size:12px;line-height:20px;padding:0;cursor:pointer}
#composer{display:flex;gap:6px;align-items:flex-end;padding:8px;background:#fff;border-top:1px solid #e5e6eb;padding-bottom:max(8px,env(safe-area-inset-bottom))}
#attach{flex:none;width:38px;height:38px;border-radius:19px;border:1px solid #d0d3d6;display:flex;align-items:center;justify-content:center;font-size:20px;color:#646a73;cursor:pointer;background:#fff}
#file{position:absolute;width:1px;height:1px;opacity:0;overflow:hidden}
#input{flex:1;min-width:0;resize:none;font:inherit;padding:8px 10px;border:1px solid #d0d3d6;border-radius:8px;max-height:140px;min-height:38px}
#send{flex:none;height:38px;padding:0 16px;border:0;border-radius:8px;background:#2b5fd9;color:#fff;font-size:15px;cursor:pointer}
#send:disabled{background:#9db4ec}
`;

// String.raw keeps the regex backslashes intact; the script must not use template interpolation.
export const SIM_SCRIPT = String.raw`(function(){
var ROLE={admin:'系统管理员',dispatcher:'督办员',leader:'领导',unit_head:'单位负责人',officer:'责任人',accountability:'问责组',auditor:'审计员'};
var PURPOSE={command:'指挥群',unit:'单位群',accountability:'问责群',other:'群'};
var $=function(id){return document.getElementById(id)};
var person=$('person'),chat=$('chat'),input=$('input'),send=$('send'),file=$('file'),box=$('messages'),thumbs=$('thumbs'),atbot=$('atbot'),atBox=$('at-bot');
var BOT=$('app').getAttribute('data-bot')||'督办助手';
var dir={people:[],groups:[]},names={},logs={},unread={},quiet={},images=[],cur='',busy=false;
function esc(s){return String(s==null?'':s).replace(/&/g,'&amp;').replace(/</g,'&lt;').replace(/>/g,'&gt;').replace(/"/g,'&quot;').replace(/'/g,'&#39;')}
function md(s){return esc(s).split('\n').map(function(l){
  var q=/^&gt; ?/.test(l);if(q)l=l.replace(/^&gt; ?/,'');
  l=l.replace(/\*\*(.+?)\*\*/g,'<b>$1</b>')
   .replace(/&lt;font color=(?:&quot;|&#39;)?(info|warning|comment)(?:&quot;|&#39;)?&gt;(.*?)&lt;\/font&gt;/g,'<span class="c-$1">$2</span>')
   .replace(/\[([^\]]+)\]\(((?:https?:\/\/|\/)[^\s)]*)\)/g,'<a href="$2" target="_blank" rel="noopener">$1</a>');
  return '<div'+(q?' class="q"':'')+'>'+(l||'&nbsp;')+'</div>';}).join('')}
function hm(t){var d=new Date(t);return ('0'+d.getHours()).slice(-2)+':'+('0'+d.getMinutes()).slice(-2)}
function who(){for(var i=0;i<dir.people.length;i++)if(dir.people[i].userId===person.value)return dir.people[i];return null}
function el(e){
  if(e.kind==='sys'){var s=document.createElement('div');s.className='sys'+(e.err?' err':'');s.textContent=e.text;return s}
  var d=document.createElement('div');d.className='msg '+e.kind;
  var me=e.kind==='me',peer=e.kind==='peer',nm=me||peer?e.name:'督办机器人';
  var body=me||peer?esc(e.text):md(e.md);
  if(e.imgs)body+='<div>'+e.imgs.map(function(u){return '<img alt="图片" src="'+esc(u)+'">'}).join('')+'</div>';
  if(e.mentions&&e.mentions.length)body+='<div class="ment">'+e.mentions.map(function(m){return '@'+esc(m==='@all'?'所有人':(names[m]||m))}).join(' ')+'</div>';
  if(e.buttons&&e.buttons.length)body+='<div class="btns">'+e.buttons.map(function(b){return '<button type="button" data-cmd="'+esc(b.command)+'" title="发送「'+esc(b.command)+'」">'+esc(b.label)+'</button>'}).join('')+'</div>';
  d.innerHTML='<div class="av">'+esc((nm||'?').charAt(0))+'</div><div class="col"><div class="meta">'+esc(nm)+(e.kind==='push'?'（推送）':'')+' · '+hm(e.at)+'</div><div class="bub">'+body+'</div></div>';
  [].forEach.call(d.querySelectorAll('.btns button'),function(b){b.onclick=function(){if(busy)return;input.value=b.getAttribute('data-cmd');submit()}});
  return d}
function add(id,e){(logs[id]=logs[id]||[]).push(e);if(id===cur){box.appendChild(el(e));box.scrollTop=box.scrollHeight}}
function render(){box.innerHTML='';(logs[cur]||[]).forEach(function(e){box.appendChild(el(e))});box.scrollTop=box.scrollHeight}
function label(){
  var p=who();
  for(var i=0;i<chat.options.length;i++){var o=chat.options[i],g=dir.groups[i-1];
    var n=unread[o.value]?'（'+unread[o.value]+' 条新）':'';
    o.textContent=(g?g.name+(g.purpose==='unit'||g.name.indexOf(PURPOSE[g.purpose])>=0?'':'（'+PURPOSE[g.purpose]+'）'):'单聊 · 督办机器人')+n;}
  $('title').textContent=(p?p.name+' 在 ':'')+(chat.options[chat.selectedIndex]||{textContent:''}).textContent;
}
function chatId(){return chat.value}
function open(){
  cur=chatId();unread[cur]=0;label();render();
  if(atBox)atBox.style.display=cur.indexOf('single:')===0?'none':'';
  var id=cur;
  fetch('/sim/groups/'+encodeURIComponent(id)+'/messages').then(function(r){return r.json()}).then(function(j){
    var L=logs[id]=logs[id]||[],seen={};
    L.forEach(function(e){if(e.oid)seen[e.oid]=1});
    (j.messages||[]).forEach(function(m){if(!seen[m.id])L.push({kind:'push',at:m.at,md:m.markdown,mentions:m.mentions,buttons:m.buttons,oid:m.id})});
    L.sort(function(a,b){return a.at-b.at});
    if(id===cur)render();
  }).catch(function(){});
  try{localStorage.setItem('sim.chat',chat.value);localStorage.setItem('sim.person',person.value)}catch(x){}
}
function fill(){
  person.innerHTML=dir.people.map(function(p){
    var r=(p.roles||[]).map(function(x){return ROLE[x]||x}).join('、');
    return '<option value="'+esc(p.userId)+'">'+esc([p.name,p.unit,r].filter(Boolean).join(' · '))+'</option>'}).join('');
  chat.innerHTML='<option></option>'+dir.groups.map(function(g){return '<option value="'+esc(g.chatId)+'"></option>'}).join('');
  var sp=null,sc=null;try{sp=localStorage.getItem('sim.person');sc=localStorage.getItem('sim.chat')}catch(x){}
  if(sp&&names[sp])person.value=sp;
  chat.options[0].value='single:'+person.value;
  var want=sc&&sc.indexOf('single:')===0?'single:'+person.value:sc,found=false;
  for(var i=0;i<chat.options.length;i++)if(chat.options[i].value===want){chat.selectedIndex=i;found=true}
  if(!found&&dir.groups.length)chat.selectedIndex=1;
  open();
}
person.onchange=function(){var single=chat.selectedIndex===0;chat.options[0].value='single:'+person.value;if(single)open();else{label();try{localStorage.setItem('sim.person',person.value)}catch(x){}}};
chat.onchange=open;
function showThumbs(){thumbs.innerHTML='';images.forEach(function(u,i){var d=document.createElement('div');d.innerHTML='<img alt="待发送图片" src="'+esc(u)+'"><button type="button" title="移除">×</button>';d.querySelector('button').onclick=function(){images.splice(i,1);showThumbs()};thumbs.appendChild(d)})}
file.onchange=function(){
  var fs=[].slice.call(file.files||[]);file.value='';
  fs.forEach(function(f){var r=new FileReader();r.onload=function(){images.push(String(r.result));showThumbs()};r.readAsDataURL(f)});
};
function submit(){
  var text=input.value.replace(/\s+$/,''),imgs=images.slice(),id=chatId(),p=who();
  if(busy||(!text&&!imgs.length)||!p)return;
  // In a group the bot hears only messages that @ it, as in WeCom; the box adds the mention unless unticked.
  if(id.indexOf('single:')!==0&&atbot&&atbot.checked&&text.indexOf('@'+BOT)<0)text='@'+BOT+' '+text;
  busy=true;send.disabled=true;quiet[id]=(quiet[id]||0)+1;
  add(id,{kind:'me',at:Date.now(),text:text,imgs:imgs,name:p.name});
  input.value='';grow();images=[];showThumbs();
  fetch('/sim/messages',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({chatId:id,userId:p.userId,text:text,images:imgs.length?imgs:undefined})})
  .then(function(r){return r.json().catch(function(){return {}}).then(function(j){
    if(!r.ok)return add(id,{kind:'sys',err:1,at:Date.now(),text:'出错（HTTP '+r.status+'）：'+(j.message||'请求失败')});
    if(j.delivered===false)add(id,{kind:'sys',at:Date.now(),text:j.note||'机器人未收到这条消息'});
    if(j.views)j.views.forEach(function(v){add(id,{kind:'bot',at:Date.now(),md:v.markdown,mentions:v.mentions,buttons:v.buttons})});
    else (j.replies||[]).forEach(function(m){add(id,{kind:'bot',at:Date.now(),md:m})});
  })}).catch(function(e){add(id,{kind:'sys',err:1,at:Date.now(),text:'网络错误：'+e.message})})
  .then(function(){busy=false;send.disabled=false;setTimeout(function(){quiet[id]--},1500);input.focus()});
}
send.onclick=submit;
function grow(){input.style.height='';if(input.value)input.style.height=Math.min(input.scrollHeight+2,140)+'px'}
input.oninput=grow;
input.onkeydown=function(e){if(e.key==='Enter'&&!e.shiftKey&&!e.isComposing&&e.keyCode!==229){e.preventDefault();submit()}};
[].forEach.call(document.querySelectorAll('#hints button'),function(b){b.onclick=function(){input.value=b.getAttribute('data-cmd');grow();input.focus()}});
function onEvent(kind){return function(ev){
  var e;try{e=JSON.parse(ev.data)}catch(x){return}
  if(kind==='chat'){var pp=who();if(pp&&e.userId===pp.userId)return;if(logs[e.chatId])add(e.chatId,{kind:'peer',at:e.at,text:e.markdown,name:names[e.userId]||e.userId});if(e.chatId!==cur){unread[e.chatId]=(unread[e.chatId]||0)+1;label()}return}
  if(kind==='reply'&&quiet[e.chatId])return;
  var L=logs[e.chatId];
  if(e.outboxId&&L&&L.some(function(x){return x.oid===e.outboxId}))return;
  if(L)add(e.chatId,{kind:kind==='push'?'push':'bot',at:e.at,md:e.markdown,mentions:e.mentions,buttons:e.buttons,oid:e.outboxId});
  if(e.chatId!==cur){unread[e.chatId]=(unread[e.chatId]||0)+1;label()}
}}
if(window.EventSource){var es=new EventSource('/sim/stream'),conn=$('conn');
  es.addEventListener('push',onEvent('push'));es.addEventListener('reply',onEvent('reply'));es.addEventListener('chat',onEvent('chat'));
  es.onopen=function(){conn.textContent='● 已连接'};es.onerror=function(){conn.textContent='○ 重连中'};}
fetch('/sim/directory').then(function(r){return r.json()}).then(function(j){
  dir=j;dir.people.forEach(function(p){names[p.userId]=p.name});fill();
}).catch(function(e){add('',{kind:'sys',err:1,at:Date.now(),text:'无法加载通讯录：'+e.message})});
})();`;
