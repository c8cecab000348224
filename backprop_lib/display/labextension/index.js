// The course's figures with their alt text, in JupyterLab and in Voila (whose page draws
// outputs with JupyterLab's renderers). JupyterLab draws an image/png output as an <img>
// without alt; backprop_lib.display.figures.show stores the alt text in the output's
// metadata ({"image/png": {"alt": "..."}}). This renderer is JupyterLab's own image
// renderer plus that alt text.
import { RenderedImage } from '@jupyterlab/rendermime';

class RenderedImageWithAlt extends RenderedImage {
  async render(model) {
    await super.render(model);
    const alt = (model.metadata[this.mimeType] || {}).alt;
    const image = this.node.querySelector('img');
    if (image && typeof alt === 'string') {
      image.alt = alt;
    }
  }
}

// JupyterLab's image renderer has rank 90; a lower rank is chosen first.
const RANK = 89;

export default {
  id: 'backprop-figure-alt:images',
  rendererFactory: {
    safe: true,
    mimeTypes: ['image/png', 'image/jpeg'],
    defaultRank: RANK,
    createRenderer: options => new RenderedImageWithAlt(options)
  },
  rank: RANK,
  dataType: 'string'
};
