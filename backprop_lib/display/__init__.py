"""The explorer and view kit: what every lesson uses to draw and to make widgets.

- :mod:`~backprop_lib.display.figures`: off-screen figures, PNG rendering, a figure shown
  with its alt text;
- :mod:`~backprop_lib.display.canvas`: a canvas the browser draws from small arrays, for a
  live view (anywidget, with its JavaScript in ``canvas.js``);
- :mod:`~backprop_lib.display.palette`: the course's colour-blind-safe colours, the class
  colours and markers;
- :mod:`~backprop_lib.display.charts`: views shared by several notebooks (curves per epoch,
  decision boundaries), each drawn once and updated in place;
- :mod:`~backprop_lib.display.tables`: plain-text tables of numbers and gradient checks;
- :mod:`~backprop_lib.display.explorer`: sliders and the :class:`Explorer` that joins
  controls to a figure and shows what went wrong instead of a traceback.

This package imports matplotlib and ipywidgets (the core does not) and nothing from
:mod:`backprop_lib.lessons`. Import its modules directly; this file loads none of them.
"""
