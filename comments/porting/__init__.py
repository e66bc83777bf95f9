"""Comments in and out: one reader per format, a shared writer, and the JSON export.

Readers (`wxr`, `disqus`, `isso`, `remark42`, `native`) turn a file into `SourceThread` and
`SourceComment` records without touching the database; `writer` matches threads to posts
and saves comments through `comments.services.comments_import`; `export` writes the
documented JSON document.
"""
