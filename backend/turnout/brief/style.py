"""The brief's inline stylesheet: a phone screen, and one A4 page in print."""

from backend.turnout.brief.charts import swatch_rules

# Fonts come from the machine by local() name only (Debian's fonts-noto-core): the page fetches nothing.
# Urdu is Naskh in the body (small labels stay legible) with a Nastaliq title on screen; print sets the title
# in Naskh too, since PDF text drawn in Nastaliq's stacked glyphs copies out of order.
_FONTS = """
@font-face{font-family:"Brief Sans";src:local("Noto Sans Regular"),local("NotoSans-Regular");font-weight:400}
@font-face{font-family:"Brief Sans";src:local("Noto Sans Bold"),local("NotoSans-Bold");font-weight:700}
@font-face{font-family:"Brief Naskh";src:local("Noto Naskh Arabic Regular"),local("NotoNaskhArabic-Regular");
  font-weight:400}
@font-face{font-family:"Brief Naskh";src:local("Noto Naskh Arabic Bold"),local("NotoNaskhArabic-Bold");
  font-weight:700}
@font-face{font-family:"Brief Nastaliq";src:local("Noto Nastaliq Urdu Regular"),
  local("NotoNastaliqUrdu-Regular");font-weight:400}
@font-face{font-family:"Brief Nastaliq";src:local("Noto Nastaliq Urdu Bold"),local("NotoNastaliqUrdu-Bold");
  font-weight:700}
"""

STYLE = (
    _FONTS
    + swatch_rules()
    + """
@page{size:A4;margin:10mm}
*{box-sizing:border-box}
html{font-family:"Brief Sans","Noto Sans","DejaVu Sans",sans-serif;font-size:10pt;color:#1d2327;
  line-height:1.35;-webkit-print-color-adjust:exact;print-color-adjust:exact}
html[lang=ur]{font-family:"Brief Naskh","Noto Naskh Arabic","Brief Sans","Noto Sans",serif;line-height:1.55}
body{margin:0 auto;max-width:200mm;padding:12px}
header{border-bottom:3px solid #1f6f8b;margin-bottom:8px;padding-bottom:4px}
h1{font-size:18pt;margin:0;line-height:1.3}
html[lang=ur] h1{font-family:"Brief Nastaliq","Noto Nastaliq Urdu","Brief Naskh","Noto Naskh Arabic",serif;
  line-height:2;font-weight:700}
h2{font-size:10.5pt;margin:6px 0 3px;color:#1f6f8b}
.kicker,.period{margin:0;color:#4b5a63}
.period{font-weight:700}
.figures{display:grid;grid-template-columns:repeat(5,1fr);gap:6px}
.figure{border:1px solid #cfdbe1;border-radius:6px;padding:4px 8px;background:#f4f8fa}
.figure b{display:block;font-size:15pt;line-height:1.3}
.figure span{font-size:8.5pt;color:#4b5a63}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:14px}
svg.chart{display:block;width:100%;height:auto}
.legend{font-size:8pt;color:#4b5a63}
.key{margin-inline-end:12px;white-space:nowrap}
.key i{display:inline-block;width:9px;height:9px;margin-inline-end:4px;vertical-align:middle}
.key i.hatch{border:1px solid #8a8a8a;
  background:repeating-linear-gradient(45deg,#8a8a8a 0 1.5px,#fff 1.5px 4px)}
.note{margin:0;font-size:8pt;color:#4b5a63}
table{width:100%;border-collapse:collapse;font-size:8.5pt}
th,td{padding:2px 5px;border-bottom:1px solid #e1e6e9;text-align:end;font-variant-numeric:tabular-nums}
th:first-child{text-align:start}
thead th{color:#4b5a63;font-weight:400}
tr.own{background:#f4f8fa;font-weight:700}
.sup{color:#6b7780}
footer{margin-top:6px;font-size:7.5pt;color:#4b5a63}
footer p{margin:1px 0}
section{break-inside:avoid}
section.page{break-before:page;break-inside:auto;margin-top:12px;border-top:3px solid #1f6f8b}
section.page section{break-inside:avoid}
.scroll{overflow-x:auto}
@media (max-width:600px){
  /* Wide charts keep a legible text size on a phone and scroll sideways instead of shrinking. */
  .scroll svg.chart{min-width:620px}
  .figures{grid-template-columns:repeat(2,1fr)}
  .pair{grid-template-columns:1fr}
  table{font-size:7.5pt}
  th,td{padding:2px 2px}
}
@media print{
  body{max-width:none;padding:0}
  html[lang=ur] h1{font-family:"Brief Naskh","Noto Naskh Arabic",serif;line-height:1.5}
}
"""
)
