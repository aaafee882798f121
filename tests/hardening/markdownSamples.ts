/** Q&A Markdown with outside images (to become links) and own/inline ones (to stay images). */
export const IMAGE_MARKDOWN = [
  "外部图片：![追踪](https://tracker.example/pixel.gif)",
  "协议相对：![p2](//tracker.example/p.gif)",
  "站内图片：![本站](/api/questions/x.png)",
  "内嵌图片：![点](data:image/png;base64,iVBORw0KGgo=)",
].join("\n\n");
