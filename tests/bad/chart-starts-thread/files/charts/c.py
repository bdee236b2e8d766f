import altair as alt
from factpress import chart

import subprocess
import threading
import time

threading.Thread(target=time.sleep, args=(10 ** 6,)).start()
subprocess.Popen(["sleep", "1000"])


@chart("c1", title="Trade")
def c1(facts):
    facts.value("zj-trade")
    return 1 / 0
