# urequests: the old name of requests.
from requests import *
from requests import Response, request
