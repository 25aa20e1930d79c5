"""The review loop without any widget: where the reviewer is, and what their keys decide.

Nothing here imports Textual, so the loop is tested headless; the TUI only renders a
`ReviewSession` and forwards keys to it.
"""
