// A tiny Chart.js plugin: error bars. A dataset that carries `errorBars` (one spread per
// point, null for none) gets a vertical bar from value - spread to value + spread at each
// point, with caps, in its own colour; `errorBarShift` (px) moves its bars sideways so two
// datasets at the same point stay apart. The bars are clipped to the y scale. Chart.js has
// no error bars of its own, and the plugins that add them are larger than this page needs.
// After each draw, chart.$errorBars holds how many bars were drawn (what a test can read).

export const errorBars = {
  id: "errorBars",
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const scale = chart.scales.y;
    const clip = (value) => Math.min(scale.max, Math.max(scale.min, value));
    let drawn = 0;
    chart.data.datasets.forEach((dataset, i) => {
      const meta = chart.getDatasetMeta(i);
      if (!dataset.errorBars || meta.hidden) return;
      const shift = dataset.errorBarShift || 0;
      const cap = 5;
      ctx.save();
      ctx.strokeStyle = dataset.borderColor;
      ctx.lineWidth = 2;
      ctx.setLineDash([]);
      meta.data.forEach((point, j) => {
        const value = dataset.data[j];
        const spread = dataset.errorBars[j];
        if (value === null || value === undefined || spread === null || spread === undefined) {
          return;
        }
        const x = point.x + shift;
        const top = scale.getPixelForValue(clip(value + spread));
        const bottom = scale.getPixelForValue(clip(value - spread));
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, bottom);
        ctx.moveTo(x - cap, top);
        ctx.lineTo(x + cap, top);
        ctx.moveTo(x - cap, bottom);
        ctx.lineTo(x + cap, bottom);
        ctx.stroke();
        drawn += 1;
      });
      ctx.restore();
    });
    chart.$errorBars = drawn;
  },
};
