"""EMA Lab's app layer: one folder per lesson, and four shared kits with one job each.

====================  =====================================================  =============
package               its one job                                            may import
====================  =====================================================  =============
``ema_lab.model``     plain data: controls, pages, signals as the app sees   ema_core
                      them, readings, EMA variants, numbers and text
``ema_lab.plot``      Plotly: layout, lines, decimation, axes, themes,       model
                      chart words, the offline figure
``ema_lab.lessons``   one folder per lesson: its controls, its Streamlit-    model, plot
                      free view, its figures
``ema_lab.ui``        Streamlit: page frame, widgets from controls,          model, plot
                      session state, links, uploads, charts and sharing
``ema_lab.server``    serving: the lecture hall behind nginx, memory         model
====================  =====================================================  =============

Pages in ``pages/`` lay out a lesson with the ui kit. No Streamlit outside ``ui`` and the
pages; no kit imports a lesson; no import cycles (``tests/views/test_layout.py``).
"""
