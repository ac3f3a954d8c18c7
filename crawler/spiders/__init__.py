"""Spiders. ``news`` crawls every source of the registry: feeds, sitemaps and listing pages."""
