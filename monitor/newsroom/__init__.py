"""The newsroom simulator: offline news outlets served over HTTP on 127.0.0.1 for tests, demo and benchmark."""

from monitor.newsroom.faults import FAULTS, Fault
from monitor.newsroom.server import Newsroom, serve_forever, start_newsroom
from monitor.newsroom.world import Article, NewsroomError, Outlet, World

__all__ = ["FAULTS", "Article", "Fault", "Newsroom", "NewsroomError", "Outlet", "World", "serve_forever",
           "start_newsroom"]
