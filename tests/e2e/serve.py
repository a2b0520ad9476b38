"""`python -m streamlit`, plus one thing for the browser tests: SIGUSR1 makes the server write
every thread's Python stack to its stderr (the App's log). When a test fails while the page says
a script run is still going on, that stack tells a slow or stuck query from a test that waited
for the wrong thing. Run as `python -m tests.e2e.serve run dashboard/app.py ...` from the
repository root (the root must stay first on sys.path, as with `python -m streamlit`)."""

import faulthandler
import signal

from streamlit.web.cli import main

if __name__ == "__main__":
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    main(prog_name="streamlit")
