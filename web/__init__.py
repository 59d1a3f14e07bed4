"""The local web app (`dhr serve`): server-rendered pages and a JSON API over the same report functions as the CLI."""
