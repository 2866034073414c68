"""Tables made in a conversation: ``intent`` (question or operation?), ``store`` (derived tables and
undo/redo), ``operate`` (one operation end to end, and what ``Session.export`` saves), ``commands``
(the chat's /tables, /undo, /redo, /save). See docs/workspace.md."""
