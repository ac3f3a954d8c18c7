"""Scrapy settings for transfernews: polite by default.

Everything here can be overridden per run with ``transfernews crawl -s NAME=VALUE``.
"""
from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("transfernews")
except PackageNotFoundError:  # running from a checkout without install
    VERSION = "0.1.0"

BOT_NAME = "transfernews"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# An honest User-Agent: who we are and where to read about it.
USER_AGENT = f"transfernews/{VERSION} (+https://github.com/transfernews/transfernews; football news research crawler)"
ROBOTSTXT_OBEY = True

# Politeness: adapt to each server's latency, never hammer one host.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_DELAY = 0.5
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy starts this many asyncio tasks per response to take its output; our pipeline
# writes synchronously (batched), so 100 (the default) only costs CPU: a third of the
# crawl process's own time on a fast crawl (docs/performance.md)
CONCURRENT_ITEMS = 16

# Bounded waiting and bounded bodies: a slow or hostile server costs little.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 10
METAREFRESH_ENABLED = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Breadth-first: feeds and listings first, then the articles they announce.
DEPTH_PRIORITY = 1
# Scheduled requests wait on disk, in a directory of their own for each run, so that
# 100 000 URLs announced by sitemaps do not sit in memory (crawler/scheduler.py)
SCHEDULER = "crawler.scheduler.DiskQueueScheduler"
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
# robots.txt binding for every request that waits for it (see crawler/middlewares.py)
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.RobotsTxtMiddleware": 100,
}
EXTENSIONS = {"crawler.progress.Progress": 500}

LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# transfernews' own settings
#: database URL; the CLI fills it from --db / $TRANSFERNEWS_DB
TRANSFERNEWS_DB = None
#: skip sitemap entries older than this many days (None: no limit); per source: max_age_days
TRANSFERNEWS_SITEMAP_MAX_AGE_DAYS = None
#: largest number of URLs read from one sitemap file (the sitemap protocol's limit); the
#: rest are ignored, with a warning and a note on the sitemap's ``pages`` row
TRANSFERNEWS_SITEMAP_MAX_URLS = 50_000
#: largest sitemap body, compressed or not (the protocol's 50 MB; DOWNLOAD_MAXSIZE is for pages)
TRANSFERNEWS_SITEMAP_MAX_BYTES = 50 * 1024 * 1024
#: sitemap indexes are followed this many levels below a registry sitemap; deeper indexes
#: are not followed (an index that links to itself under a new URL each time)
TRANSFERNEWS_SITEMAP_MAX_DEPTH = 3
#: a failing article URL (5xx, timeout) is retried on later runs until it failed this often
TRANSFERNEWS_MAX_ATTEMPTS = 8
#: re-fetch articles first stored within this many hours, with conditional GET, to catch
#: edits after publication (0: never re-fetch a stored article)
TRANSFERNEWS_REFETCH_HOURS = 0
#: processes that extract, clean, fingerprint and analyse pages (crawler/processing.py):
#: "auto" for one per usable core, 0 to do it in the crawl process itself
TRANSFERNEWS_WORKERS = "auto"
#: items written per database transaction, and the longest an item waits to be written
TRANSFERNEWS_WRITE_BATCH = 50
TRANSFERNEWS_WRITE_INTERVAL = 1.0
#: write the CPU time of each pipeline stage to this JSON file at the end of the crawl
TRANSFERNEWS_PROFILE_FILE = None
#: live progress line on stderr (the CLI turns it on for terminals)
TRANSFERNEWS_PROGRESS = False

# distributed crawling (transfernews crawl --distributed --redis URL; see crawler/distributed.py)
#: the Redis holding the shared frontier (the CLI fills it from --redis / $TRANSFERNEWS_REDIS)
TRANSFERNEWS_REDIS_URL = None
#: key prefix of the frontier in Redis: one per database
TRANSFERNEWS_REDIS_PREFIX = "transfernews"
#: seconds between two requests to one host, over all workers (default: DOWNLOAD_DELAY)
TRANSFERNEWS_DOMAIN_DELAY = None
#: a worker whose heartbeat is older than this many seconds is dead; its in-flight
#: requests go back to the queue
TRANSFERNEWS_WORKER_TTL = 60
